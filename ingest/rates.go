package ingest

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// An exchange-rates file has the layout of the ECB's reference rates
// (eurofxref-hist.csv, eurofxref.csv): a Date column, then one column per
// currency holding the units of that currency per 1 EUR, "N/A" where there
// is no rate, and often an empty column at the end of every line. Dates are
// YYYY-MM-DD; the daily file's "3 January 2025" is read too.

// currencyCode is an ISO 4217 code as a column name of a rates file.
var currencyCode = regexp.MustCompile(`^[A-Z]{3}$`)

// isRatesFile tells an exchange-rates file by its name (exchange_rates*,
// eurofxref*) or by its header: Date, then currency codes only.
func isRatesFile(name string, head []byte) bool {
	if strings.HasPrefix(name, "exchange_rates") || strings.HasPrefix(name, "eurofxref") {
		return true
	}
	h := bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	line, _, _ := bytes.Cut(h, []byte("\n"))
	cells := strings.Split(strings.TrimRight(string(line), "\r"), ",")
	if len(cells) < 2 || !strings.EqualFold(strings.TrimSpace(cells[0]), "date") {
		return false
	}
	codes := 0
	for i, c := range cells[1:] {
		c = strings.TrimSpace(c)
		switch {
		case c == "" && i == len(cells)-2:
		case currencyCode.MatchString(c):
			codes++
		default:
			return false
		}
	}
	return codes > 0
}

// ratesHeader reads the header of a rates file: the currency of each column
// after Date, "" for an empty column (ignored).
func ratesHeader(path string) ([]string, error) {
	r, err := openCSV(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("the file is empty; expected a header line Date,USD,JPY,...")
	}
	if err != nil {
		return nil, err
	}
	if len(header) < 2 || !strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(header[0], "\ufeff")), "date") {
		return nil, fmt.Errorf("expected the first column to be Date, then one column per currency (units per 1 EUR)")
	}
	seen := map[string]bool{}
	codes := make([]string, len(header)-1)
	for i, h := range header[1:] {
		h = strings.ToUpper(strings.TrimSpace(h))
		if h == "" {
			continue
		}
		if !currencyCode.MatchString(h) {
			return nil, fmt.Errorf("column %d is %q: expected an ISO 4217 currency code like USD", i+2, h)
		}
		if seen[h] {
			return nil, fmt.Errorf("column %q appears twice", h)
		}
		seen[h] = true
		codes[i] = h
	}
	if len(seen) == 0 {
		return nil, fmt.Errorf("no currency columns after Date")
	}
	return codes, nil
}

// ratesStage holds the rates of one file, one row per currency and date;
// ratesRaw the file's lines in file order.
const (
	ratesStage = "rates_stage"
	ratesRaw   = "rates_raw"
)

// loadRates validates a rates file as a whole and replaces the rates it
// has into exchange_rates. A cell N/A or empty is no rate: it neither adds
// nor removes one. EUR columns are ignored (1 by definition).
func (l *loader) loadRates(ctx context.Context, f inputFile) (FileResult, error) {
	fr := FileResult{File: f.name, Kind: f.kind, Format: f.format, SHA256: f.sha}
	codes, err := ratesHeader(f.path)
	if err != nil {
		return fr, &FileError{File: f.name, Format: f.format, Cause: "cannot read the header line: " + err.Error()}
	}
	cols := []string{"'c0': 'VARCHAR'"}
	cells := []string{"trim(c0) AS d"}
	for i, c := range codes {
		n := fmt.Sprintf("c%d", i+1)
		cols = append(cols, quoteString(n)+": 'VARCHAR'")
		if c != "" && c != "EUR" {
			cells = append(cells, "nullif(upper(trim("+n+")), '') AS "+quoteIdent(c))
		}
	}
	if len(cells) == 1 {
		return fr, nil
	}
	// The lines are read in file order, so that rowid tells the line (the
	// header is line 1; rowids start at an offset inside a transaction).
	if _, err := l.conn.ExecContext(ctx, `SET preserve_insertion_order = true`); err != nil {
		return fr, err
	}
	defer l.conn.ExecContext(context.WithoutCancel(ctx), `SET preserve_insertion_order = false`)
	if _, err := l.conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE "+ratesRaw+" AS SELECT "+strings.Join(cells, ", ")+" FROM read_csv("+quoteString(f.path)+
		", header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', null_padding = true, columns = {"+strings.Join(cols, ", ")+"})"); err != nil {
		if ctx.Err() != nil {
			return fr, ctx.Err()
		}
		return fr, &FileError{File: f.name, Format: f.format, Cause: "cannot be read as csv: " + cleanDuckDBError(err)}
	}
	src := "SELECT rowid - (SELECT min(rowid) FROM " + ratesRaw + ") + 2 AS line, * FROM " + ratesRaw
	q := `CREATE OR REPLACE TEMP TABLE ` + ratesStage + ` AS
		SELECT line, d, currency, v,
			coalesce(CAST(try_strptime(d, '%Y-%m-%d') AS DATE), CAST(try_strptime(d, '%d %B %Y') AS DATE)) AS rate_date,
			CASE WHEN v <> 'N/A' AND regexp_full_match(v, '\d{1,10}(\.\d{1,8})?') THEN CAST(v AS DECIMAL(18,8)) END AS per_eur
		FROM (UNPIVOT (` + src + `) ON COLUMNS(* EXCLUDE (line, d)) INTO NAME currency VALUE v)`
	if _, err := l.conn.ExecContext(ctx, q); err != nil {
		if ctx.Err() != nil {
			return fr, ctx.Err()
		}
		return fr, &FileError{File: f.name, Format: f.format, Cause: "cannot be read as csv: " + cleanDuckDBError(err)}
	}
	if err := l.rateProblems(ctx, f); err != nil {
		return fr, err
	}
	if err := l.conn.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE s.per_eur IS NOT NULL),
			count(*) FILTER (WHERE s.per_eur IS NOT NULL AND EXISTS (SELECT 1 FROM exchange_rates e
				WHERE e.currency = s.currency AND e.rate_date = s.rate_date))
		FROM `+ratesStage+` s`).Scan(&fr.Rows, &fr.Updated); err != nil {
		return fr, err
	}
	fr.Inserted = fr.Rows - fr.Updated
	for _, stmt := range []string{
		`DELETE FROM exchange_rates e USING ` + ratesStage + ` s
			WHERE s.per_eur IS NOT NULL AND e.currency = s.currency AND e.rate_date = s.rate_date`,
		`INSERT INTO exchange_rates (currency, rate_date, per_eur, ingest_run_id)
			SELECT currency, rate_date, per_eur, $1 FROM ` + ratesStage + ` WHERE per_eur IS NOT NULL`,
	} {
		var args []any
		if strings.Contains(stmt, "$1") {
			args = append(args, l.runID)
		}
		if _, err := l.conn.ExecContext(ctx, stmt, args...); err != nil {
			return fr, fmt.Errorf("ingest %s: merge: %w", f.name, err)
		}
	}
	return fr, nil
}

// rateProblems rejects the file when a line has a bad date, a date twice
// or a cell that is neither a positive rate nor N/A.
func (l *loader) rateProblems(ctx context.Context, f inputFile) error {
	rows, err := l.conn.QueryContext(ctx, `WITH dates AS (
			SELECT DISTINCT line, d, rate_date FROM `+ratesStage+`
		), p AS (
			SELECT line, 'Date' AS col, coalesce(d, '') AS value, 'a date as YYYY-MM-DD' AS expected FROM dates WHERE rate_date IS NULL
			UNION ALL
			SELECT line, 'Date', d, 'one line per date' FROM dates
			WHERE rate_date IS NOT NULL
			QUALIFY row_number() OVER (PARTITION BY rate_date ORDER BY line) > 1
			UNION ALL
			SELECT line, currency, v, 'a rate in units per 1 EUR, a positive number with a dot and at most 8 decimals, or N/A'
			FROM `+ratesStage+` WHERE v <> 'N/A' AND (per_eur IS NULL OR per_eur <= 0)
		)
		SELECT line, col, value, expected, count(*) OVER () FROM p ORDER BY line, col LIMIT `+fmt.Sprint(maxProblems))
	if err != nil {
		return err
	}
	defer rows.Close()
	fe := &FileError{File: f.name, Format: f.format}
	for rows.Next() {
		var p Problem
		if err := rows.Scan(&p.Line, &p.Column, &p.Value, &p.Expected, &fe.Total); err != nil {
			return err
		}
		fe.Problems = append(fe.Problems, p)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if fe.Total > 0 {
		return fe
	}
	return nil
}
