package ingest

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/creditflow/creditflow/store"
)

// Bank statements are recognised here, by their content, and recorded with
// the run like any other file, but booked elsewhere: package bank reads
// them, matches their credits and books the payments. Package bank imports
// ingest, not the other way round, so the run hands its statement files to
// the StatementBooker of Options.Statements, together with the run's open
// transaction (Tx): the statements land in the same transaction as the
// run's canonical files, or nothing does. A caller that ingests statements
// sets it:
//
//	ingest.Options{Statements: bank.BookStatements}
//
// A run without a booker refuses bank statements.

// StatementBooker books the bank statements of a run into the run's open
// transaction. It gets them after the run's canonical files and e-invoices
// were loaded, and before the allocation. It returns one FileResult per
// file, in the order given, and what became of the transactions; the run
// records the files, adds the payments booked to its rows and reports the
// progress. An error rolls the whole run back.
type StatementBooker func(ctx context.Context, tx *Tx, files []StatementFile) ([]FileResult, StatementResult, error)

// StatementFile is a bank statement file of a run.
type StatementFile struct {
	Path   string // the file to read
	Name   string // the name to report (an upload's own name)
	Format Format // Camt or MT940
	SHA256 string
}

// StatementResult counts what became of the transactions of the bank
// statements of one run.
type StatementResult struct {
	Transactions int `json:"transactions"` // read from the files
	Duplicates   int `json:"duplicates"`   // seen before (statements overlap): not booked again
	Credits      int `json:"credits"`      // new incoming credits
	Matched      int `json:"matched"`      // credits booked automatically
	Unmatched    int `json:"unmatched"`    // credits (and returns) waiting for a person
	Returned     int `json:"returned"`     // returned direct debits booked as negative payments
	Debits       int `json:"debits"`       // outgoing money, not receivables
	// Booked is the number of payments made from the statements.
	Booked int64 `json:"payments"`
	// Rules counts the automatic matches per rule.
	Rules map[string]int `json:"rules"`
}

// MatchedShare is the share of new credits matched automatically.
func (s StatementResult) MatchedShare() float64 {
	if s.Credits == 0 {
		return 0
	}
	return float64(s.Matched) / float64(s.Credits)
}

// Tx is the open transaction of an ingest run, with what a statement
// booker needs of the run: its connection, id and options, and the
// payments path of the canonical files.
type Tx struct {
	l *loader
}

// Conn is the connection the transaction is open on. Temporary tables made
// on it are the caller's to drop.
func (tx *Tx) Conn() *sql.Conn { return tx.l.conn }

// RunID is the ingest run the rows are recorded with (ingest_run_id).
func (tx *Tx) RunID() int64 { return tx.l.runID }

// Options are the run's options.
func (tx *Tx) Options() Options { return tx.l.opt }

// AllocatePending allocates what the run loaded so far, so that open amounts
// are current, and empties the list of affected customers.
func (tx *Tx) AllocatePending(ctx context.Context) error {
	l := tx.l
	var n int
	if err := l.conn.QueryRowContext(ctx, `SELECT count(*) FROM affected`).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return nil
	}
	if _, err := reallocate(ctx, l.conn, l.opt.Log); err != nil {
		return fmt.Errorf("allocate payments: %w", err)
	}
	_, err := l.conn.ExecContext(ctx, `DELETE FROM affected`)
	return err
}

// LoadPayments loads the rows of query, whose columns are named by columns,
// like a payments file (format Derived), with the same validation and merge;
// name is the name its errors give. It returns the number of payments.
func (tx *Tx) LoadPayments(ctx context.Context, name, query string, columns []string) (int64, error) {
	fr, err := tx.l.load(ctx, inputFile{name: name, kind: Payments, format: Derived, query: query, columns: columns})
	return fr.Rows, err
}

// Reallocate recomputes the payment allocations of the affected customers
// and returns the number of allocations written.
func (tx *Tx) Reallocate(ctx context.Context) (int64, error) {
	return reallocate(ctx, tx.l.conn, tx.l.opt.Log)
}

// InTransaction runs fn in the transaction of a new ingest run on db, and
// commits when fn returns nil: for changes that are not files, such as a
// bank transaction matched by hand. opt gives the run's options as they
// are; Files sets their defaults, InTransaction does not.
func InTransaction(ctx context.Context, db *store.DB, opt Options, fn func(tx *Tx) error) error {
	return db.Write(ctx, func(conn *sql.Conn) error {
		l := &loader{conn: conn, opt: opt}
		return inTransaction(ctx, conn, &l.runID, func() error { return fn(&Tx{l}) })
	})
}
