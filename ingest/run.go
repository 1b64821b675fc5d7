package ingest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/creditflow/creditflow/store"
)

// errRefused rolls back a run whose other files were refused before it began.
var errRefused = errors.New("ingest: files of the run were refused")

// run reads the files into their stages, then loads them inside one
// transaction on conn. With refused, other files of the run were refused:
// these are only validated, and the transaction rolled back.
func run(ctx context.Context, conn *sql.Conn, files []inputFile, opt Options, refused bool, res *Result) error {
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
	err := inTransaction(ctx, conn, &res.RunID, func() error {
		if err := runFiles(ctx, conn, files, total, opt, refused, res); err != nil {
			return err
		}
		if opt.DryRun {
			// Everything was checked and loaded: roll it back.
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		return nil
	}
	return err
}

// errDryRun ends the transaction of a dry run without committing it.
var errDryRun = errors.New("dry run: rolled back")

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
			var fe *FileError
			if errors.As(err, &fe) {
				continue // loading it tells its problems with the others'
			}
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
//
// A file with problems is not merged; the run goes on validating the
// others, so that one run reports the problems of every file, and then
// fails. A later file may then also be refused for naming invoices or
// customers of the refused one.
func runFiles(ctx context.Context, conn *sql.Conn, files []inputFile, total int64, opt Options, refused bool, res *Result) error {
	var problems []error
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
		_, err := conn.ExecContext(ctx, store.Query("ingest_run_insert"),
			res.RunID, f.name, f.sha, string(f.kind), string(f.shownFormat()), fr.Rows, fr.Inserted, fr.Updated, started.UTC(), opt.Now().UTC())
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
		load := l.load
		if f.kind == OpenItems {
			load = l.loadSnapshot
		}
		fr, err := load(ctx, f)
		var fe *FileError
		if errors.As(err, &fe) {
			problems = append(problems, err)
			continue
		}
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
	if len(problems) > 0 {
		return errors.Join(problems...)
	}
	if refused {
		return errRefused
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
	if _, err := conn.ExecContext(ctx, store.Query("ingest_audit"),
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
	for _, t := range []string{"stage", "stage_narrow", "stage_lines", "affected", "alloc_customers", fxTable, ratesStage, ratesRaw,
		ublInvoicesTable, ublCustomersTable} {
		if _, err := conn.ExecContext(ctx, "DROP TABLE IF EXISTS temp."+t); err != nil {
			return err
		}
	}
	return nil
}
