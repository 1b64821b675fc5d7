package ingest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/store"
)

// Options change how files are ingested.
type Options struct {
	// Strict rejects invoices and payments of unknown customers instead of
	// creating bare customers for them.
	Strict bool
	// Kind forces the table of every file; empty means from the file name.
	Kind Kind
	// Names are the names to report and detect kinds by, one per path, when
	// they differ from the paths (uploads saved under temporary names).
	Names []string
	// Progress receives progress bars; nil shows none.
	Progress Progress
	// Log receives the timing of each phase at debug level; nil logs nothing.
	Log *slog.Logger
	// Statements books the run's bank statements into its transaction; a
	// run with statements and no booker fails. See StatementBooker.
	Statements StatementBooker
	// MatchThreshold is for the statement booker: the confidence from which
	// a bank credit is booked without a person; zero means its default.
	MatchThreshold float64
	// Actor is written to the audit log.
	Actor string
	// Now gives the time of day for the run's records.
	Now func() time.Time
	// AfterLoad, when set, runs after the files are loaded and before the
	// commit. Tests use it to kill a run half-way.
	AfterLoad func()
}

// Progress reports the work done, in bytes of input.
type Progress interface {
	Start(total int64)
	Advance(n int64, phase string)
	Done()
}

// FileResult says what happened to one file.
type FileResult struct {
	File     string `json:"file"`
	Kind     Kind   `json:"kind"`
	Format   Format `json:"format"`
	SHA256   string `json:"sha256"`
	Rows     int64  `json:"rows"`
	Inserted int64  `json:"inserted"`
	Updated  int64  `json:"updated"`
	Skipped  bool   `json:"skipped"`
	Message  string `json:"message,omitempty"`
}

// Result is the outcome of one ingest run.
type Result struct {
	RunID       int64          `json:"run_id"`
	Files       []FileResult   `json:"files"`
	Rows        map[Kind]int64 `json:"rows"`
	Allocations int64          `json:"allocations"`
	// Statements says what became of the bank statements' transactions.
	Statements *StatementResult `json:"statements,omitempty"`
	Seconds    float64          `json:"seconds"`
}

// Summary is the one line printed at the end of a run.
func (r Result) Summary() string {
	skipped := 0
	for _, f := range r.Files {
		if f.Skipped {
			skipped++
		}
	}
	line := fmt.Sprintf("ingested %d file(s) in %.1f s: customers %d, invoices %d, payments %d, allocations %d; %d identical file(s) skipped",
		len(r.Files)-skipped, r.Seconds, r.Rows[Customers], r.Rows[Invoices]+r.Rows[EInvoices], r.Rows[Payments], r.Allocations, skipped)
	if s := r.Statements; s != nil {
		line += fmt.Sprintf("\nbank statements: %d transaction(s), %d seen before; %d credit(s): %d matched automatically (%.1f%%), %d unmatched waiting for you; %d returned direct debit(s); %d outgoing ignored",
			s.Transactions, s.Duplicates, s.Credits, s.Matched, s.MatchedShare()*100, s.Unmatched, s.Returned, s.Debits)
	}
	return line
}

type inputFile struct {
	path, name string
	kind       Kind
	format     Format
	size       int64
	sha        string
	// query and columns replace the file for rows the ingest made itself
	// (e-invoices, payments booked from bank statements).
	query   string
	columns []string
	// staged is the file's narrow stage when it was read before the
	// transaction; nil means it is read inside it.
	staged *narrowStage
}

// Files ingests the files in one transaction: either all of them land or
// none does, and the database is left as it was.
func Files(ctx context.Context, db *store.DB, paths []string, opt Options) (Result, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Actor == "" {
		opt.Actor = "cli"
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	start := opt.Now()
	res := Result{Rows: map[Kind]int64{}}
	if len(paths) == 0 {
		return res, fmt.Errorf("%w: no files to ingest", creditflow.ErrInvalid)
	}
	// Files are told and hashed in parallel: hashing 100 MB takes 50 ms.
	files := make([]inputFile, len(paths))
	errs := make([]error, len(paths))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, p := range paths {
		name := p
		if i < len(opt.Names) {
			name = opt.Names[i]
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			files[i], errs[i] = describe(p, name, opt.Kind)
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return res, err
		}
	}
	sort.SliceStable(files, func(i, j int) bool { return kindOrder(files[i].kind) < kindOrder(files[j].kind) })
	for _, f := range files {
		if f.kind == BankStatements && opt.Statements == nil {
			return res, fmt.Errorf("ingest %s: a bank statement, and this ingest books none (Options.Statements is not set)", f.name)
		}
	}

	err := db.Write(ctx, func(conn *sql.Conn) error {
		var load []inputFile
		for _, f := range files {
			var seen int
			if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM ingest_runs WHERE sha256 = ? AND outcome = 'ok'`, f.sha).Scan(&seen); err != nil {
				return err
			}
			if seen > 0 {
				res.Files = append(res.Files, FileResult{File: f.name, Kind: f.kind, Format: f.format, SHA256: f.sha, Skipped: true,
					Message: "identical to a file ingested before (same sha256); skipped"})
				continue
			}
			load = append(load, f)
		}
		if len(load) == 0 {
			return nil
		}
		return run(ctx, conn, load, opt, &res)
	})
	res.Seconds = opt.Now().Sub(start).Seconds()
	return res, err
}

func describe(path, name string, forced Kind) (inputFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return inputFile{}, fmt.Errorf("ingest: %w", err)
	}
	defer f.Close()
	head := make([]byte, sniffBytes)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return inputFile{}, fmt.Errorf("ingest %s: %w", name, err)
	}
	kind, format, err := detect(name, head[:n], forced)
	if err != nil {
		return inputFile{}, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return inputFile{}, fmt.Errorf("ingest %s: %w", name, err)
	}
	h := sha256.New()
	size, err := io.Copy(h, f)
	if err != nil {
		return inputFile{}, fmt.Errorf("ingest %s: %w", name, err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return inputFile{}, err
	}
	return inputFile{path: abs, name: name, kind: kind, format: format, size: size, sha: hex.EncodeToString(h.Sum(nil))}, nil
}

// run reads the files into their stages, then loads them inside one
// transaction on conn.
func run(ctx context.Context, conn *sql.Conn, files []inputFile, opt Options, res *Result) error {
	var total int64
	for _, f := range files {
		total += f.size
	}
	if opt.Progress != nil {
		opt.Progress.Start(total * 3)
		defer opt.Progress.Done()
	}
	defer dropStages(context.WithoutCancel(ctx), conn, files)
	if err := prestage(ctx, conn, files, opt); err != nil {
		return err
	}
	return inTransaction(ctx, conn, &res.RunID, func() error { return runFiles(ctx, conn, files, total, opt, res) })
}

// prestage reads each file of the contract's tables into its narrow stage
// before the transaction begins. A temporary table made inside the
// transaction lives in its local storage, which DuckDB scans at about half
// the speed of a committed one; staged before, the validation and the
// merge read it at full speed. Staging reads only the file, so nothing of
// the database can change underneath.
func prestage(ctx context.Context, conn *sql.Conn, files []inputFile, opt Options) error {
	l := loader{conn: conn, opt: opt}
	for i := range files {
		f := &files[i]
		if f.query == "" && specs[f.kind].key != "" {
			t := NewPhaseTimer(opt.Log, f.name)
			st, err := l.stageFile(ctx, *f, fmt.Sprintf("stage_%d", i))
			if err != nil {
				return err
			}
			f.staged = st
			t.Phase("staged before the transaction")
		}
		// Documents are read in the transaction; their share of the bar
		// is counted here all the same.
		if opt.Progress != nil {
			opt.Progress.Advance(f.size, "read "+filepath.Base(f.name))
		}
	}
	return nil
}

// dropStages drops the stages prestage made; they outlive transactions.
func dropStages(ctx context.Context, conn *sql.Conn, files []inputFile) {
	for _, f := range files {
		if f.staged != nil {
			conn.ExecContext(ctx, "DROP TABLE IF EXISTS temp."+quoteIdent(f.staged.table))
		}
	}
}

// inTransaction runs fn in one transaction with a new ingest run id and an
// empty list of affected customers, and commits when fn returns nil. The
// temporary tables go with the transaction, so that the pooled connection
// is clean for the next user.
func inTransaction(ctx context.Context, conn *sql.Conn, runID *int64, fn func() error) (err error) {
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return err
	}
	committed := false
	defer func() {
		if !committed {
			// Roll back even when ctx is cancelled: a failed run leaves nothing behind.
			// The rollback also removes the temporary tables created in the transaction.
			if _, rbErr := conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); rbErr != nil && err == nil {
				err = rbErr
			}
		}
	}()
	if err := conn.QueryRowContext(ctx, `SELECT nextval('ingest_run_seq')`).Scan(runID); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE affected (customer_id VARCHAR)`); err != nil {
		return err
	}
	if err := fn(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := dropTemp(ctx, conn); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return err
	}
	committed = true
	return nil
}

// runFiles loads files inside the transaction of run.
func runFiles(ctx context.Context, conn *sql.Conn, files []inputFile, total int64, opt Options, res *Result) error {
	// Row order matters only for the line numbers of a bad file, whose full
	// stage is made in order; everything else may run out of order.
	if _, err := conn.ExecContext(ctx, `SET preserve_insertion_order = false`); err != nil {
		return err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `RESET preserve_insertion_order`)
	l := loader{conn: conn, opt: opt, runID: res.RunID}
	record := func(f inputFile, fr FileResult, started time.Time) error {
		res.Files = append(res.Files, fr)
		res.Rows[f.kind] += fr.Rows
		_, err := conn.ExecContext(ctx, `INSERT INTO ingest_runs
			(run_id, file_name, sha256, kind, format, rows_read, rows_inserted, rows_updated, started_at, finished_at, outcome)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'ok')`,
			res.RunID, f.name, f.sha, string(f.kind), string(f.format), fr.Rows, fr.Inserted, fr.Updated, started.UTC(), opt.Now().UTC())
		return err
	}
	// Documents of one kind are loaded together, at their kind's turn.
	var eInvoices, statements []inputFile
	loadEInvoices := func() error {
		if len(eInvoices) == 0 {
			return nil
		}
		started := opt.Now()
		frs, err := l.loadEInvoices(ctx, eInvoices)
		if err != nil {
			return err
		}
		for i, fr := range frs {
			if err := record(eInvoices[i], fr, started); err != nil {
				return err
			}
			if opt.Progress != nil {
				opt.Progress.Advance(eInvoices[i].size, "loaded "+filepath.Base(eInvoices[i].name))
			}
		}
		eInvoices = nil
		return nil
	}
	for _, f := range files {
		switch {
		case f.kind == EInvoices:
			eInvoices = append(eInvoices, f)
			continue
		case f.kind == BankStatements:
			statements = append(statements, f)
			continue
		case kindOrder(f.kind) > kindOrder(EInvoices):
			if err := loadEInvoices(); err != nil {
				return err
			}
		}
		started := opt.Now()
		if opt.Progress != nil {
			opt.Progress.Advance(0, "loading "+filepath.Base(f.name))
		}
		fr, err := l.load(ctx, f)
		if err != nil {
			return err
		}
		if err := record(f, fr, started); err != nil {
			return err
		}
		if opt.Progress != nil {
			opt.Progress.Advance(f.size, "loaded "+filepath.Base(f.name))
		}
	}
	if err := loadEInvoices(); err != nil {
		return err
	}
	if len(statements) > 0 {
		started := opt.Now()
		if opt.Progress != nil {
			opt.Progress.Advance(0, "matching bank statements")
		}
		docs := make([]StatementFile, len(statements))
		for i, f := range statements {
			docs[i] = StatementFile{Path: f.path, Name: f.name, Format: f.format, SHA256: f.sha}
		}
		frs, sr, err := opt.Statements(ctx, &Tx{&l}, docs)
		if err != nil {
			return err
		}
		if len(frs) != len(statements) {
			return fmt.Errorf("ingest: the statement booker reported on %d of %d file(s)", len(frs), len(statements))
		}
		for i, fr := range frs {
			if err := record(statements[i], fr, started); err != nil {
				return err
			}
		}
		res.Statements = &sr
		res.Rows[Payments] += sr.Booked
		if opt.Progress != nil {
			var size int64
			for _, f := range statements {
				size += f.size
			}
			opt.Progress.Advance(size, "matched bank statements")
		}
	}
	if opt.Progress != nil {
		opt.Progress.Advance(0, "allocating payments")
	}
	n, err := reallocate(ctx, conn, opt.Log)
	if err != nil {
		return fmt.Errorf("allocate payments: %w", err)
	}
	res.Allocations = n
	if opt.Progress != nil {
		opt.Progress.Advance(total, "allocated payments")
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO audit_log (logged_at, actor, action, detail) VALUES (?, ?, 'ingest', ?)`,
		opt.Now().UTC(), opt.Actor, auditDetail(res)); err != nil {
		return err
	}
	if opt.AfterLoad != nil {
		opt.AfterLoad()
	}
	return nil
}

func auditDetail(res *Result) string {
	var names []string
	for _, f := range res.Files {
		if !f.Skipped {
			names = append(names, fmt.Sprintf("%q", filepath.Base(f.File)))
		}
	}
	return fmt.Sprintf(`{"run_id": %d, "files": [%s], "customers": %d, "invoices": %d, "payments": %d}`,
		res.RunID, strings.Join(names, ", "), res.Rows[Customers], res.Rows[Invoices], res.Rows[Payments])
}

func dropTemp(ctx context.Context, conn *sql.Conn) error {
	for _, t := range []string{"stage", "stage_narrow", "stage_lines", "affected", "alloc_customers",
		ublInvoicesTable, ublCustomersTable} {
		if _, err := conn.ExecContext(ctx, "DROP TABLE IF EXISTS temp."+t); err != nil {
			return err
		}
	}
	return nil
}

// loader loads one file after another into the open transaction.
type loader struct {
	conn  *sql.Conn
	opt   Options
	runID int64
}

func (l *loader) load(ctx context.Context, f inputFile) (FileResult, error) {
	fr := FileResult{File: f.name, Kind: f.kind, Format: f.format, SHA256: f.sha}
	t := NewPhaseTimer(l.opt.Log, f.name)
	defer t.Done()
	st := f.staged
	if st == nil {
		var err error
		if st, err = l.stageFile(ctx, f, "stage_narrow"); err != nil {
			return fr, err
		}
	}
	spec, checks, stage := specs[f.kind], st.checks, st.table
	t.Phase("staged")
	var n int64
	if err := l.conn.QueryRowContext(ctx, checks.quick).Scan(&n); err != nil {
		return fr, fmt.Errorf("ingest %s: validate: %w", f.name, err)
	}
	if n > 0 {
		if err := l.stage(ctx, f, st.src, spec, st.present); err != nil {
			return fr, err
		}
		mapped := false
		if f.format == CSV && f.path != "" {
			var records int64
			if err := l.conn.QueryRowContext(ctx, `SELECT count(*) FROM stage`).Scan(&records); err != nil {
				return fr, err
			}
			var err error
			if mapped, err = l.numberLines(ctx, f, records); err != nil {
				return fr, fmt.Errorf("ingest %s: number lines: %w", f.name, err)
			}
		}
		detailed := problemsQueries(f.format, spec, st.present, l.opt.Strict, stage, mapped).detailed
		if err := l.listProblems(ctx, f, detailed); err != nil {
			return fr, err
		}
	}
	t.Phase("validated")
	table, key := string(f.kind), typedCol(spec.key)
	var noCustomer int64
	if err := l.conn.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE `+key+` IN (SELECT `+spec.key+` FROM `+table+`)),
		count(*) FILTER (WHERE `+typedCol("customer_id")+` IS NULL) FROM `+quoteIdent(stage)+` s`).
		Scan(&fr.Rows, &fr.Updated, &noCustomer); err != nil {
		return fr, err
	}
	fr.Inserted = fr.Rows - fr.Updated
	for _, stmt := range mergeStatements(f.kind, st.extras, l.opt.Strict, stage, noCustomer > 0) {
		var args []any
		if strings.Contains(stmt, "$1") {
			args = append(args, l.runID)
		}
		if _, err := l.conn.ExecContext(ctx, stmt, args...); err != nil {
			return fr, fmt.Errorf("ingest %s: merge: %w", f.name, err)
		}
		t.Phase("merge: " + strings.Join(strings.Fields(stmt)[:3], " "))
	}
	return fr, nil
}

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
		return nil, &FileError{File: f.name, Format: f.format, Problems: problems, Total: len(problems)}
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
			return "", nil, &FileError{File: f.name, Format: f.format, Cause: "cannot read the header line: " + err.Error()}
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
		return "", nil, &FileError{File: f.name, Format: f.format, Cause: "cannot be read as " + string(f.format) + ": " + cleanDuckDBError(err)}
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
		return &FileError{File: f.name, Format: f.format, Cause: "cannot be read as " + string(f.format) + ": " + cleanDuckDBError(err)}
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
		return &FileError{File: f.name, Format: f.format, Cause: "cannot be read as " + string(f.format) + ": " + cleanDuckDBError(err)}
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

// csvFile is a CSV file opened for reading, unzipped when it ends in .gz.
type csvFile struct {
	io.Reader
	f  *os.File
	gz *gzip.Reader
}

func openCSV(path string) (*csvFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	c := &csvFile{Reader: bufio.NewReaderSize(f, 1<<20), f: f}
	if strings.HasSuffix(strings.ToLower(path), ".gz") {
		if c.gz, err = gzip.NewReader(c.Reader); err != nil {
			f.Close()
			return nil, err
		}
		c.Reader = c.gz
	}
	return c, nil
}

func (c *csvFile) Close() error {
	if c.gz != nil {
		c.gz.Close()
	}
	return c.f.Close()
}

// csvHeader reads the column names of a CSV file (plain or gzip).
func csvHeader(path string) ([]string, error) {
	r, err := openCSV(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("the file is empty; expected a header line with column names")
	}
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if h == "" {
			return nil, fmt.Errorf("column %d has no name", i+1)
		}
		if seen[strings.ToLower(h)] {
			return nil, fmt.Errorf("column %q appears twice", h)
		}
		seen[strings.ToLower(h)] = true
		header[i] = h
	}
	return header, nil
}

// cleanDuckDBError keeps the useful part of a DuckDB reader error.
func cleanDuckDBError(err error) string {
	s := err.Error()
	if i := strings.Index(s, "\n\nPossible fixes"); i > 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

func missingColumns(kind Kind, spec tableSpec, present map[string]string) []Problem {
	var ps []Problem
	for _, c := range spec.columns {
		if c.required && present[c.name] == "" {
			ps = append(ps, Problem{Line: 1, Column: c.name, Expected: "a column named " + c.name + " in the header"})
		}
	}
	if kind == Payments && present["customer_id"] == "" && present["invoice_id"] == "" {
		ps = append(ps, Problem{Line: 1, Column: "customer_id", Expected: "a column customer_id or invoice_id in the header"})
	}
	return ps
}

// lineExpr turns a stage rowid into the line (or row) the user sees. Rows
// keep file order; their rowids start at an offset inside a transaction.
// With mapped, the CSV lines come from the table stage_lines (numberLines).
func lineExpr(f Format, mapped bool) string {
	first := "(SELECT min(rowid) FROM stage)"
	switch {
	case f == CSV && mapped:
		return "(SELECT l.line FROM stage_lines l WHERE l.record = s.rowid - " + first + ")"
	case f == CSV:
		return "(s.rowid - " + first + " + 2)" // the header is line 1
	}
	return "(s.rowid - " + first + " + 1)"
}

// countLines counts the lines of a CSV file, the last one with or without
// its line break.
func countLines(path string) (int64, error) {
	in, err := openCSV(path)
	if err != nil {
		return 0, err
	}
	defer in.Close()
	buf := make([]byte, 1<<20)
	var lines int64
	last := byte('\n')
	for {
		n, err := in.Read(buf)
		if n > 0 {
			lines += int64(bytes.Count(buf[:n], []byte{'\n'}))
			last = buf[n-1]
		}
		if err == io.EOF {
			break
		} else if err != nil {
			return 0, err
		}
	}
	if last != '\n' {
		lines++
	}
	return lines, nil
}

// numberLines makes the table stage_lines, the line on which each record of
// a CSV file starts, when that is not simply the record's number plus one:
// a quoted cell may hold line breaks, and DuckDB skips empty lines. It reads
// the file a second time, which only a rejected file pays for, and reports
// whether it made the table.
func (l *loader) numberLines(ctx context.Context, f inputFile, records int64) (bool, error) {
	lines, err := countLines(f.path)
	if err != nil {
		return false, err
	}
	if lines == records+1 {
		return false, nil
	}
	in, err := openCSV(f.path)
	if err != nil {
		return false, err
	}
	defer in.Close()
	r := csv.NewReader(in)
	r.FieldsPerRecord, r.LazyQuotes, r.ReuseRecord = -1, true, true
	if _, err := r.Read(); err != nil { // the header
		return false, nil
	}
	dir, err := os.MkdirTemp("", "creditflow-lines-")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(dir)
	out, err := CreateBulk(dir, "lines.csv")
	if err != nil {
		return false, err
	}
	var n int64
	var row []byte
	for ; ; n++ {
		if _, err := r.Read(); err == io.EOF {
			break
		} else if err != nil {
			out.Close()
			return false, nil // Go reads it otherwise than DuckDB: keep record numbers
		}
		line, _ := r.FieldPos(0)
		row = append(strconv.AppendInt(row[:0], n, 10), ',')
		row = append(strconv.AppendInt(row, int64(line), 10), '\n')
		out.Write(row)
	}
	if err := out.Close(); err != nil || n != records {
		return false, err
	}
	if _, err := l.conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE stage_lines (record BIGINT, line BIGINT)`); err != nil {
		return false, err
	}
	if err := out.Load(ctx, l.conn, "stage_lines", [][2]string{{"record", "BIGINT"}, {"line", "BIGINT"}}); err != nil {
		return false, err
	}
	return true, nil
}

// listProblems runs the detailed problems query on the full stage and
// returns the file's problems as a FileError, or nil when there are none.
func (l *loader) listProblems(ctx context.Context, f inputFile, detailed string) error {
	rows, err := l.conn.QueryContext(ctx, detailed)
	if err != nil {
		return fmt.Errorf("ingest %s: validate: %w", f.name, err)
	}
	defer rows.Close()
	fe := &FileError{File: f.name, Format: f.format}
	for rows.Next() {
		var p Problem
		var val sql.NullString
		if err := rows.Scan(&p.Line, &p.Column, &val, &p.Expected, &fe.Total); err != nil {
			return err
		}
		p.Value = val.String
		fe.Problems = append(fe.Problems, p)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(fe.Problems) > 0 {
		return fe
	}
	return nil
}

// problemChecks are the checks of a file, built from the column specs
// because the columns a file has vary; all values stay in the database,
// only names are spliced.
type problemChecks struct {
	// rowBad is true for a row with a missing or malformed cell; it is
	// evaluated while staging, over the file's cells and their conversions.
	rowBad string
	// quick counts the problems over the narrow stage: the flagged rows,
	// duplicate keys and references to unknown invoices or customers.
	quick string
	// detailed lists the first problems with line, column, value and what
	// was expected, and their total, over the full stage.
	detailed string
}

func problemsQueries(f Format, spec tableSpec, present map[string]string, strict bool, narrow string, mappedLines bool) problemChecks {
	line := lineExpr(f, mappedLines)
	from, narrowFrom := "stage s", quoteIdent(narrow)+" s"
	if spec.key == "payment_id" {
		// One join tells unknown invoices and invoices of another customer.
		join := " LEFT JOIN invoices i ON i.invoice_id = " + typedCol("invoice_id")
		from, narrowFrom = from+join, narrowFrom+join
	}
	var parts, rowConds, counts []string
	detail := func(ord int, col, val, cond, expected string) {
		parts = append(parts, fmt.Sprintf("SELECT %s AS line, %d AS ord, %s AS col, %s AS val, %s AS expected FROM %s WHERE %s",
			line, ord, quoteString(col), val, quoteString(expected), from, cond))
	}
	// A cell's own problem: listed over the full stage's raw cells, and
	// flagged while staging over the narrow stage's trimmed cells. cond
	// builds the condition from either way of reading a cell.
	v := func(name string) string { return cellOf(present, name) }
	staged := func(name string) string { return stagedCell(present, name) }
	addRow := func(ord int, col, val string, cond func(cell func(string) string) string, expected string) {
		detail(ord, col, val, cond(v), expected)
		rowConds = append(rowConds, "coalesce("+cond(staged)+", false)")
	}
	// A problem that needs another row or table: counted on the stage.
	// cond uses only converted values (the narrow stage has no raw cells).
	addJoin := func(ord int, col, val, cond, expected string) {
		detail(ord, col, val, cond, expected)
		counts = append(counts, "count(*) FILTER (WHERE "+cond+")")
	}
	presentCol := func(name string) bool { return present[name] != "" }
	for i, c := range spec.columns {
		if !presentCol(c.name) {
			continue
		}
		if c.required {
			addRow(i, c.name, "CAST(NULL AS VARCHAR)", func(cell func(string) string) string { return cell(c.name) + " IS NULL" },
				"a value ("+c.name+" is required)")
		}
		if _, expected := invalidCondition(c, "", ""); expected != "" {
			addRow(i, c.name, v(c.name), func(cell func(string) string) string {
				cond, _ := invalidCondition(c, cell(c.name), typedCol(c.name))
				return cell(c.name) + " IS NOT NULL AND (" + cond + ")"
			}, expected)
		}
	}
	key := typedCol(spec.key)
	counts = append(counts, "count("+key+") - count(DISTINCT "+key+")")
	parts = append(parts, fmt.Sprintf(`SELECT line, -1 AS ord, %s AS col, k AS val,
		'a unique %s (the same value is on %s ' || first || ')' AS expected
		FROM (SELECT %s AS line, %s AS k, min(%s) OVER (PARTITION BY %s) AS first FROM stage s)
		WHERE k IS NOT NULL AND line > first`,
		quoteString(spec.key), spec.key, lineWord(f), line, v(spec.key), line, v(spec.key)))

	t := typedCol
	switch {
	case spec.key == "invoice_id":
		if presentCol("due_date") {
			addRow(3, "due_date", v("due_date"), func(func(string) string) string { return t("due_date") + " < " + t("invoice_date") },
				"a due_date on or after the invoice_date")
		}
		if strict {
			addJoin(1, "customer_id", v("customer_id"), t("customer_id")+" IS NOT NULL AND "+t("customer_id")+
				" NOT IN (SELECT customer_id FROM customers)", "a customer_id present in customers (strict mode)")
		}
	case spec.key == "iban":
		addJoin(0, "customer_id", v("customer_id"), t("customer_id")+" IS NOT NULL AND "+t("customer_id")+
			" NOT IN (SELECT customer_id FROM customers)", "a customer_id present in customers")
	case spec.key == "payment_id":
		inv, cust := t("invoice_id"), t("customer_id")
		addRow(1, "customer_id", "CAST(NULL AS VARCHAR)", func(cell func(string) string) string {
			return cell("customer_id") + " IS NULL AND " + cell("invoice_id") + " IS NULL"
		}, "a customer_id (required when invoice_id is empty)")
		addJoin(2, "invoice_id", v("invoice_id"), inv+" IS NOT NULL AND i.invoice_id IS NULL", "the invoice_id of a known invoice")
		addJoin(1, "customer_id", v("customer_id"), cust+" IS NOT NULL AND i.customer_id <> "+cust, "the customer of the invoice named in invoice_id")
		if strict {
			addJoin(1, "customer_id", v("customer_id"), cust+" IS NOT NULL AND "+cust+" NOT IN (SELECT customer_id FROM customers)",
				"a customer_id present in customers (strict mode)")
		}
	}
	rowBad := "false"
	if len(rowConds) > 0 {
		rowBad = strings.Join(rowConds, " OR ")
	}
	counts = append(counts, "count(*) FILTER (WHERE s."+quoteIdent(badColumn)+")")
	return problemChecks{
		rowBad: rowBad,
		quick:  "SELECT " + strings.Join(counts, " + ") + " FROM " + narrowFrom,
		detailed: "SELECT line, col, val, expected, count(*) OVER () AS total FROM (\n" +
			strings.Join(parts, "\nUNION ALL\n") + "\n) ORDER BY line, ord LIMIT " + fmt.Sprint(maxProblems),
	}
}

func lineWord(f Format) string {
	if f == Parquet {
		return "row"
	}
	return "line"
}

// cellOf is cell with the file's own spelling of the column name.
func cellOf(present map[string]string, name string) string {
	if present[name] == "" {
		return "CAST(NULL AS VARCHAR)"
	}
	return "nullif(trim(s." + quoteIdent(present[name]) + "), '')"
}

// attributesExpr is a JSON object of the extra columns, or NULL.
func attributesExpr(extras []string) string {
	if len(extras) == 0 {
		return "CAST(NULL AS JSON)"
	}
	var kv []string
	for _, e := range extras {
		kv = append(kv, quoteString(e), "s."+quoteIdent(e))
	}
	return "json_object(" + strings.Join(kv, ", ") + ")"
}

// mergeStatements replace the stage rows into their table. $1 is the run id.
// fillCustomers says that some payments lack a customer_id.
func mergeStatements(kind Kind, extras []string, strict bool, stage string, fillCustomers bool) []string {
	spec := specs[kind]
	v := typedCol
	attrs := attributesExpr(extras)
	stageFrom := quoteIdent(stage) + " s"
	table, key := string(kind), spec.key
	var stmts []string
	var insert string
	switch kind {
	case Customers:
		insert = `INSERT INTO customers (customer_id, name, country, segment, kind, payment_terms_days, credit_limit,
				registration_id, email, phone, attributes, bare, ingest_run_id)
			SELECT ` + v("customer_id") + `, ` + v("name") + `, ` + v("country") + `, ` + v("segment") + `,
				coalesce(` + v("kind") + `, 'b2b'), coalesce(` + v("payment_terms_days") + `, 30), ` + v("credit_limit") + `,
				` + v("registration_id") + `, ` + v("email") + `, ` + v("phone") + `, ` + attrs + `, false, $1
			FROM ` + stageFrom
	case Invoices:
		// A missing due date follows the customer's terms (30 days for a new customer).
		insert = `INSERT INTO invoices (invoice_id, customer_id, invoice_date, due_date, amount, currency, disputed, description, attributes, ingest_run_id)
			SELECT ` + v("invoice_id") + `, ` + v("customer_id") + `, ` + v("invoice_date") + `,
				coalesce(` + v("due_date") + `, ` + v("invoice_date") + ` + coalesce(c.payment_terms_days, 30)),
				` + v("amount") + `, coalesce(` + v("currency") + `, 'EUR'), coalesce(` + v("disputed") + `, false),
				` + v("description") + `, ` + attrs + `, $1
			FROM ` + stageFrom + ` LEFT JOIN customers c ON c.customer_id = ` + v("customer_id")
	case Payments:
		// A payment without customer_id belongs to the customer of its invoice.
		if fillCustomers {
			stmts = append(stmts, `UPDATE `+quoteIdent(stage)+` AS s SET `+quoteIdent(typedPrefix+"customer_id")+` = i.customer_id
				FROM invoices i WHERE `+typedCol("customer_id")+` IS NULL AND i.invoice_id = `+typedCol("invoice_id"))
		}
		insert = `INSERT INTO payments (payment_id, customer_id, invoice_id, payment_date, amount, method, reference, attributes, ingest_run_id)
			SELECT ` + v("payment_id") + `, ` + v("customer_id") + `, ` + v("invoice_id") + `, ` + v("payment_date") + `, ` + v("amount") + `,
				` + v("method") + `, ` + v("reference") + `, ` + attrs + `, $1
			FROM ` + stageFrom
	case CustomerAccounts:
		insert = `INSERT INTO customer_accounts (iban, customer_id, name, source, added_at, ingest_run_id)
			SELECT ` + v("iban") + `, ` + v("customer_id") + `, ` + v("name") + `, 'input', now(), $1
			FROM ` + stageFrom
	}
	if kind == Invoices || kind == Payments {
		cust := v("customer_id")
		stmts = append(stmts, `INSERT INTO affected SELECT DISTINCT `+cust+` FROM `+stageFrom+`
			UNION SELECT customer_id FROM `+table+` WHERE `+key+` IN (SELECT `+v(key)+` FROM `+stageFrom+`)`)
		if !strict {
			stmts = append(stmts, `INSERT INTO customers (customer_id, bare, ingest_run_id)
				SELECT DISTINCT `+cust+`, true, $1 FROM `+stageFrom+`
				WHERE `+cust+` NOT IN (SELECT customer_id FROM customers)`)
		}
	}
	return append(stmts,
		`DELETE FROM `+table+` WHERE `+key+` IN (SELECT `+v(key)+` FROM `+stageFrom+`)`,
		insert)
}

// typedPrefix names the converted columns of the stage table.
const typedPrefix = "__creditflow_"

// typedCol is the converted value of a contract column in the stage table.
func typedCol(name string) string { return "s." + quoteIdent(typedPrefix+name) }

// PhaseTimer logs how long each phase of a step of a run took, at debug
// level (creditflow ingest --trace shows it).
type PhaseTimer struct {
	log         *slog.Logger
	step        string
	start, last time.Time
}

// NewPhaseTimer starts timing step.
func NewPhaseTimer(log *slog.Logger, step string) *PhaseTimer {
	now := time.Now()
	return &PhaseTimer{log: log, step: step, start: now, last: now}
}

// Phase logs the time since the previous phase ended, as phase name.
func (t *PhaseTimer) Phase(name string) {
	now := time.Now()
	t.log.Debug("ingest phase", "step", t.step, "phase", name, "seconds", now.Sub(t.last).Seconds())
	t.last = now
}

// Done logs the time since the step started.
func (t *PhaseTimer) Done() {
	t.log.Debug("ingest step done", "step", t.step, "seconds", time.Since(t.start).Seconds())
}
