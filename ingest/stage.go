package ingest

import (
	"context"
	"strings"
)

// narrowStage is a file's narrow stage table and what its header told.
type narrowStage struct {
	table   string
	src     string // the query that reads the file as text
	present map[string]string
	extras  []string
	checks  problemChecks
}

// stageFile reads the file's header and then the file into the narrow
// stage table. Most files are good: a narrow stage (converted values, the
// extra columns and a flag for rows with a bad cell) and one count decide.
// Only a bad file pays for the full stage and the query that lists its
// problems with lines and values.
func (l *loader) stageFile(ctx context.Context, f inputFile, table string) (*narrowStage, error) {
	src, names, err := l.source(ctx, f)
	if err != nil {
		return nil, err
	}
	spec := specs[f.kind]
	present, extras := classifyColumns(names, spec)
	if problems := missingColumns(f.kind, spec, present); len(problems) > 0 {
		return nil, &FileError{File: f.name, Format: f.shownFormat(), Problems: problems, Total: len(problems)}
	}
	st := &narrowStage{table: table, src: src, present: present, extras: extras,
		checks: problemsQueries(f.format, spec, present, l.opt.Strict, table, false)}
	if err := l.stageNarrow(ctx, f, st); err != nil {
		return nil, err
	}
	return st, nil
}

// source returns the query that reads the file as text columns, and the
// names of its columns.
func (l *loader) source(ctx context.Context, f inputFile) (string, []string, error) {
	if f.query != "" {
		return f.query, f.columns, nil
	}
	switch f.format {
	case CSV:
		// The header is read here, not sniffed, so that a ragged line is an
		// error with its line number rather than a different guess of the layout.
		header, err := csvHeader(f.path)
		if err != nil {
			return "", nil, &FileError{File: f.name, Format: f.shownFormat(), Cause: "cannot read the header line: " + err.Error()}
		}
		cols := make([]string, len(header))
		for i, h := range header {
			cols[i] = quoteString(h) + ": 'VARCHAR'"
		}
		return "SELECT * FROM read_csv(" + quoteString(f.path) + ", header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', columns = {" +
			strings.Join(cols, ", ") + "})", header, nil
	}
	src := "SELECT COLUMNS(*)::VARCHAR FROM read_parquet(" + quoteString(f.path) + ")"
	if f.format == NDJSON {
		src = "SELECT COLUMNS(*)::VARCHAR FROM read_json(" + quoteString(f.path) + ", format = 'newline_delimited')"
	}
	rows, err := l.conn.QueryContext(ctx, "SELECT column_name FROM (DESCRIBE "+src+")")
	if err != nil {
		if ctx.Err() != nil {
			return "", nil, ctx.Err()
		}
		return "", nil, readError(f, err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return "", nil, err
		}
		names = append(names, n)
	}
	return src, names, rows.Err()
}

// stage reads the file into the temporary table stage in one pass: every
// column as text, as in the file, for the error messages, plus the columns of
// the contract converted to their types (NULL where a cell does not convert;
// validation reports those). Rows keep file order, so rowid tells the line.
func (l *loader) stage(ctx context.Context, f inputFile, src string, spec tableSpec, present map[string]string) error {
	if _, err := l.conn.ExecContext(ctx, `SET preserve_insertion_order = true`); err != nil {
		return err
	}
	defer l.conn.ExecContext(context.WithoutCancel(ctx), `SET preserve_insertion_order = false`)
	typed := make([]string, 0, len(spec.columns))
	for _, c := range spec.columns {
		typed = append(typed, tryTypedValue(c, cellOf(present, c.name))+" AS "+quoteIdent(typedPrefix+c.name))
	}
	q := "CREATE OR REPLACE TEMP TABLE stage AS SELECT s.*, " + strings.Join(typed, ", ") + " FROM (" + src + ") s"
	if _, err := l.conn.ExecContext(ctx, q); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return readError(f, err)
	}
	return nil
}

// stageNarrow reads the file into the temporary table stage with only what
// the merge needs: the contract's columns converted to their types, the
// extra columns as text (kept as attributes) and __creditflow_bad, true
// for a row with a cell that is missing or does not convert. Each cell is
// trimmed once, in the innermost query, and converted once, in the middle
// one: the checks read both many times.
func (l *loader) stageNarrow(ctx context.Context, f inputFile, st *narrowStage) error {
	spec, present, extras := specs[f.kind], st.present, st.extras
	cells := make([]string, 0, len(spec.columns)+len(extras))
	typed := make([]string, 0, len(spec.columns))
	outer := make([]string, 0, len(spec.columns)+len(extras)+1)
	for _, c := range spec.columns {
		if present[c.name] != "" {
			cells = append(cells, cellOf(present, c.name)+" AS "+quoteIdent(cellPrefix+c.name))
		}
		typed = append(typed, tryTypedValue(c, stagedCell(present, c.name))+" AS "+quoteIdent(typedPrefix+c.name))
		outer = append(outer, typedCol(c.name))
	}
	for _, e := range extras {
		cells = append(cells, "s."+quoteIdent(e))
		outer = append(outer, "s."+quoteIdent(e))
	}
	if len(cells) == 0 {
		cells = append(cells, "1 AS "+quoteIdent(cellPrefix))
	}
	outer = append(outer, "("+st.checks.rowBad+") AS "+quoteIdent(badColumn))
	q := "CREATE OR REPLACE TEMP TABLE " + quoteIdent(st.table) + " AS SELECT " + strings.Join(outer, ", ") +
		" FROM (SELECT s.*, " + strings.Join(typed, ", ") + " FROM (SELECT " + strings.Join(cells, ", ") +
		" FROM (" + st.src + ") s) s) s"
	if _, err := l.conn.ExecContext(ctx, q); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return readError(f, err)
	}
	return nil
}

// cellPrefix names the trimmed cells in the narrow stage's inner queries.
const cellPrefix = typedPrefix + "cell_"

// stagedCell is a contract column's trimmed cell inside the narrow stage's
// query (NULL when the file lacks the column).
func stagedCell(present map[string]string, name string) string {
	if present[name] == "" {
		return "CAST(NULL AS VARCHAR)"
	}
	return "s." + quoteIdent(cellPrefix+name)
}

// badColumn flags the rows of the narrow stage with a bad cell.
const badColumn = typedPrefix + "bad"

// classifyColumns maps the table's column names to their spelling in the
// file; the other columns are extras, kept as attributes.
func classifyColumns(names []string, spec tableSpec) (present map[string]string, extras []string) {
	present = map[string]string{}
	known := map[string]bool{}
	for _, c := range spec.columns {
		known[c.name] = true
	}
	for _, n := range names {
		canon := strings.ToLower(strings.TrimSpace(n))
		if known[canon] && present[canon] == "" {
			present[canon] = n
		} else {
			extras = append(extras, n)
		}
	}
	return present, extras
}

// cleanDuckDBError keeps the useful part of a DuckDB reader error.
// Only its first line is kept, without the kind of error, which is written
// for programmers.
func cleanDuckDBError(err error) string {
	s, _, _ := strings.Cut(strings.TrimSpace(err.Error()), "\n")
	if k, rest, ok := strings.Cut(s, " Error: "); ok && !strings.Contains(k, " ") || ok && strings.Count(k, " ") == 1 {
		s = rest
	}
	return strings.TrimSpace(s)
}

// cellOf is cell with the file's own spelling of the column name.
func cellOf(present map[string]string, name string) string {
	if present[name] == "" {
		return "CAST(NULL AS VARCHAR)"
	}
	return "nullif(trim(s." + quoteIdent(present[name]) + "), '')"
}

// typedPrefix names the converted columns of the stage table.
const typedPrefix = "__creditflow_"

// typedCol is the converted value of a contract column in the stage table.
func typedCol(name string) string { return "s." + quoteIdent(typedPrefix+name) }
