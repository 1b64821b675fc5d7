package bank

import (
	"bufio"
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/bank/camt"
	"github.com/creditflow/creditflow/bank/match"
	"github.com/creditflow/creditflow/bank/mt940"
	"github.com/creditflow/creditflow/ingest"
	"github.com/creditflow/creditflow/store"
	"github.com/duckdb/duckdb-go/v2"
)

// DefaultMatchThreshold is the confidence from which a bank credit is booked
// to invoices without a person looking at it, when the ingest's
// Options.MatchThreshold is zero.
const DefaultMatchThreshold = 0.8

// Bank transaction statuses (bank_transactions.status).
const (
	statusMatched   = "matched"
	statusUnmatched = "unmatched"
	statusReturned  = "returned"
	statusDebit     = "debit"
)

// ruleReturn is the rule of a returned direct debit booked against the
// payment it returns.
const ruleReturn = "returned_direct_debit"

// statementTx is a transaction read from a statement file.
type statementTx struct {
	creditflow.BankTransaction
	file int // index into the run's statement files
}

// bankRow is a new bank_transactions row.
type bankRow struct {
	tx         *statementTx
	entryNo    int64
	status     string
	paymentID  string
	customerID string
	invoiceIDs []string
	rule       string
	confidence float64
}

// stmtPaymentColumns are the columns of statement_payments.sql.
var stmtPaymentColumns = []string{"payment_id", "customer_id", "invoice_id", "payment_date", "amount", "method", "reference",
	"match_rule", "match_confidence", "bank_transaction"}

// readStatements parses the statement files of a run, on all cores: XML
// decoding is most of the cost of a big camt.053.
func readStatements(files []ingest.StatementFile) ([]statementTx, []int, error) {
	parsed := make([][]creditflow.BankTransaction, len(files))
	errs := make([]error, len(files))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, f := range files {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			parsed[i], errs[i] = readStatement(f)
		}()
	}
	wg.Wait()
	var n int
	for i, f := range files {
		var le *mt940.LineError
		if errors.As(errs[i], &le) {
			return nil, nil, lineProblem(f, le)
		}
		if errs[i] != nil {
			return nil, nil, fmt.Errorf("ingest: %w", errs[i])
		}
		n += len(parsed[i])
	}
	txs := make([]statementTx, 0, n)
	counts := make([]int, len(files))
	for i, p := range parsed {
		for _, t := range p {
			txs = append(txs, statementTx{t, i})
		}
		counts[i] = len(p)
	}
	return txs, counts, nil
}

// readStatement parses one statement file.
func readStatement(f ingest.StatementFile) ([]creditflow.BankTransaction, error) {
	r, err := os.Open(f.Path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	br := bufio.NewReaderSize(r, 1<<16)
	switch f.Format {
	case ingest.Camt:
		st, err := camt.Parse(br, f.Name)
		return st.Transactions, err
	case ingest.MT940:
		sts, err := mt940.Parse(br, f.Name)
		var txs []creditflow.BankTransaction
		for _, st := range sts {
			txs = append(txs, st.Transactions...)
		}
		return txs, err
	}
	return nil, fmt.Errorf("%w: %s: not a bank statement", creditflow.ErrInvalid, f.Name)
}

// lineProblem rejects a statement file for a line the MT940 reader cannot
// read, as the ingest rejects a bad CSV: a FileError with the problem's
// line, field, value and what was expected.
func lineProblem(f ingest.StatementFile, le *mt940.LineError) *ingest.FileError {
	field := ""
	if le.Field != "" {
		field = ":" + le.Field + ":"
	}
	return &ingest.FileError{
		File: f.Name, Format: f.Format, Cause: le.Detail(), Total: 1,
		Problems: []ingest.Problem{{Line: le.Line, Column: field, Value: le.Found, Expected: le.Expected}},
	}
}

// BookStatements reads bank statements, keeps the transactions not seen
// before, matches their credits to open invoices and books the confident
// matches as payments; the rest waits in the unmatched queue. Returned
// direct debits become negative payments of what they return.
//
// It is the ingest's statement booker (an ingest.StatementBooker): a run
// that may include statements sets ingest.Options{Statements:
// bank.BookStatements}, and they are booked in the run's transaction, at
// the threshold of its Options.MatchThreshold.
func BookStatements(ctx context.Context, run *ingest.Tx, files []ingest.StatementFile) ([]ingest.FileResult, ingest.StatementResult, error) {
	res := ingest.StatementResult{Rules: map[string]int{}}
	conn, opt, runID := run.Conn(), run.Options(), run.RunID()
	t := ingest.NewPhaseTimer(opt.Log, "bank statements")
	defer t.Done()
	// Payments and invoices loaded earlier in this run must be allocated
	// before the open amounts the matching starts from are read.
	if err := run.AllocatePending(ctx); err != nil {
		return nil, res, err
	}
	t.Phase("allocated earlier files")
	// The matcher is read from the database while the files are parsed.
	type built struct {
		book *bookkeeper
		err  error
	}
	bookc := make(chan built, 1)
	go func() {
		b, err := newBookkeeper(ctx, conn, opt.MatchThreshold)
		bookc <- built{b, err}
	}()
	txs, counts, parseErr := readStatements(files)
	b := <-bookc
	if parseErr != nil {
		return nil, res, parseErr
	}
	if b.err != nil {
		return nil, res, b.err
	}
	book := b.book
	res.Transactions = len(txs)
	t.Phase("parsed, matcher built")
	fresh, err := newTransactions(ctx, conn, txs)
	if err != nil {
		return nil, res, err
	}
	res.Duplicates = len(txs) - len(fresh)
	t.Phase("deduplicated")
	frs := make([]ingest.FileResult, len(files))
	for i, f := range files {
		frs[i] = ingest.FileResult{File: f.Name, Kind: ingest.BankStatements, Format: f.Format, SHA256: f.SHA256, Rows: int64(counts[i])}
	}
	for _, tx := range fresh {
		frs[tx.file].Inserted++
	}
	for i := range frs {
		frs[i].Message = fmt.Sprintf("%d transaction(s), %d new", frs[i].Rows, frs[i].Inserted)
	}
	if len(fresh) == 0 {
		return frs, res, nil
	}
	if err := book.loadReturnedOriginals(ctx, conn, fresh); err != nil {
		return nil, res, err
	}
	var next int64
	if err := conn.QueryRowContext(ctx, `SELECT coalesce(max(entry_no), 0) + 1 FROM bank_transactions`).Scan(&next); err != nil {
		return nil, res, err
	}
	names := make([]string, len(files))
	formats := make([]string, len(files))
	for i, f := range files {
		names[i], formats[i] = f.Name, string(f.Format)
	}
	// Matching is sequential (each booking changes what is open); the rows
	// are written out on another core while the next ones are matched.
	tmp, err := os.MkdirTemp("", "creditflow-statements-")
	if err != nil {
		return nil, res, err
	}
	defer os.RemoveAll(tmp)
	rowsFile, err := ingest.CreateBulk(tmp, "bank_transactions.csv")
	if err != nil {
		return nil, res, err
	}
	rows := make([]bankRow, len(fresh))
	batches := make(chan []bankRow, 8)
	written := make(chan error, 1)
	go func() {
		written <- writeBankRows(rowsFile, batches, names, formats, runID)
	}()
	const batch = 8192
	for i := range fresh {
		rows[i] = book.decide(&fresh[i], next+int64(i))
		switch rows[i].status {
		case statusMatched:
			res.Credits++
			res.Matched++
			res.Rules[rows[i].rule]++
		case statusUnmatched:
			if fresh[i].Amount > 0 {
				res.Credits++
			}
			res.Unmatched++
		case statusReturned:
			res.Returned++
		case statusDebit:
			res.Debits++
		}
		if (i+1)%batch == 0 || i == len(fresh)-1 {
			batches <- rows[i/batch*batch : i+1]
		}
	}
	close(batches)
	if err := <-written; err != nil {
		return nil, res, fmt.Errorf("ingest bank statements: %w", err)
	}
	t.Phase("matched")
	if err := rowsFile.Load(ctx, conn, "bank_transactions", bankColumns); err != nil {
		return nil, res, fmt.Errorf("ingest bank statements: %w", err)
	}
	t.Phase("stored")
	if err := book.saveLearned(conn, opt.Now(), runID); err != nil {
		return nil, res, err
	}
	n, err := bookStatementPayments(ctx, run, fmt.Sprintf("ingest_run_id = %d", runID), "payments from bank statements")
	if err != nil {
		return nil, res, err
	}
	res.Booked = n
	return frs, res, nil
}

// newTransactions drops the transactions already stored (overlapping
// statements) and the repeats within the run, and sorts the rest by
// booking date, then file order.
func newTransactions(ctx context.Context, conn *sql.Conn, txs []statementTx) ([]statementTx, error) {
	type key struct{ account, id string }
	seen := make(map[key]struct{}, len(txs))
	keep := make([]bool, len(txs))
	for i, tx := range txs {
		k := key{tx.Account, tx.ID}
		if _, ok := seen[k]; !ok {
			seen[k] = struct{}{}
			keep[i] = true
		}
	}
	// Statements overlap by days, not years: only the stored transactions
	// of the run's accounts and days can be repeats.
	type span struct{ first, last creditflow.Date }
	spans := map[string]*span{}
	for _, tx := range txs {
		sp := spans[tx.Account]
		if sp == nil {
			spans[tx.Account] = &span{tx.BookingDate, tx.BookingDate}
			continue
		}
		if tx.BookingDate.Before(sp.first.Time) {
			sp.first = tx.BookingDate
		}
		if tx.BookingDate.After(sp.last.Time) {
			sp.last = tx.BookingDate
		}
	}
	stored := map[key]bool{}
	for acct, sp := range spans {
		err := store.EachRow(ctx, conn, store.Query("bank_transaction_ids"),
			func(r *sql.Rows) error {
				var id string
				if err := r.Scan(&id); err != nil {
					return err
				}
				stored[key{acct, id}] = true
				return nil
			}, acct, sp.first, sp.last)
		if err != nil {
			return nil, err
		}
	}
	for i, tx := range txs {
		if len(stored) > 0 && keep[i] && stored[key{tx.Account, tx.ID}] {
			keep[i] = false
		}
	}
	// Sort positions, not the transactions: they are big to move.
	var order []int32
	for i := range txs {
		if keep[i] {
			order = append(order, int32(i))
		}
	}
	days := make([]int64, len(txs))
	for _, i := range order {
		days[i] = txs[i].BookingDate.Unix()
	}
	slices.SortStableFunc(order, func(a, b int32) int { return cmp.Compare(days[a], days[b]) })
	out := make([]statementTx, len(order))
	for k, i := range order {
		out[k] = txs[i]
	}
	return out, nil
}

// bookStatementPayments loads the payments booked by the bank transactions
// that where picks (a SQL condition on bank_transactions) like a payments
// file, with the same validation and merge.
func bookStatementPayments(ctx context.Context, run *ingest.Tx, where, name string) (int64, error) {
	return run.LoadPayments(ctx, name, store.Query("statement_payments")+" WHERE payment_id IS NOT NULL AND "+where, stmtPaymentColumns)
}

// bankColumns are the columns of bank_transactions, in order, with their
// types for reading them back from the bulk-load file.
var bankColumns = [][2]string{
	{"entry_no", "BIGINT"}, {"account", "VARCHAR"}, {"transaction_id", "VARCHAR"}, {"booking_date", "DATE"},
	{"value_date", "DATE"}, {"amount", "DECIMAL(18,2)"}, {"currency", "VARCHAR"}, {"reversal", "BOOLEAN"},
	{"return_reason", "VARCHAR"}, {"counter_name", "VARCHAR"}, {"counter_iban", "VARCHAR"}, {"end_to_end_id", "VARCHAR"},
	{"structured_ref", "VARCHAR"}, {"remittance_text", "VARCHAR"}, {"batch_count", "INTEGER"}, {"file_name", "VARCHAR"},
	{"format", "VARCHAR"}, {"status", "VARCHAR"}, {"payment_id", "VARCHAR"}, {"customer_id", "VARCHAR"},
	{"invoice_ids", "VARCHAR"}, {"rule", "VARCHAR"}, {"confidence", "DOUBLE"}, {"matched_by", "VARCHAR"},
	{"ingest_run_id", "BIGINT"},
}

// writeBankRows writes the rows, as they come in batches, to a CSV file
// that DuckDB then loads in one statement: a million rows through the
// appender would cost 25 million cgo calls. An empty field is a NULL. It
// reads every batch, then closes the file and returns its first error.
func writeBankRows(out *ingest.BulkFile, batches <-chan []bankRow, files, formats []string, runID int64) error {
	var b []byte
	for rows := range batches {
		for _, r := range rows {
			tx := r.tx
			b = strconv.AppendInt(b[:0], r.entryNo, 10)
			b = ingest.AppendField(b, tx.Account)
			b = ingest.AppendField(b, tx.ID)
			b = append(b, ',')
			b = tx.BookingDate.AppendFormat(b, creditflow.DateLayout)
			b = append(b, ',')
			if !tx.ValueDate.IsZero() {
				b = tx.ValueDate.AppendFormat(b, creditflow.DateLayout)
			}
			b = append(b, ',')
			b = tx.Amount.AppendText(b)
			currency := tx.Currency
			if currency == "" {
				currency = "EUR"
			}
			b = ingest.AppendField(b, currency)
			b = append(b, ',')
			b = strconv.AppendBool(b, tx.Reversal)
			b = ingest.AppendField(b, tx.ReturnReason)
			b = ingest.AppendField(b, tx.CounterName)
			b = ingest.AppendField(b, match.NormalizeIBAN(tx.CounterIBAN))
			b = ingest.AppendField(b, tx.EndToEndID)
			b = ingest.AppendField(b, tx.StructuredRef)
			b = ingest.AppendField(b, tx.RemittanceText)
			b = append(b, ',')
			b = strconv.AppendInt(b, int64(max(tx.BatchCount, 1)), 10)
			b = ingest.AppendField(b, files[tx.file])
			b = ingest.AppendField(b, formats[tx.file])
			b = ingest.AppendField(b, r.status)
			b = ingest.AppendField(b, r.paymentID)
			b = ingest.AppendField(b, r.customerID)
			b = ingest.AppendField(b, strings.Join(r.invoiceIDs, " "))
			b = ingest.AppendField(b, r.rule)
			b = append(b, ',')
			if r.rule != "" {
				b = strconv.AppendFloat(b, r.confidence, 'g', -1, 64)
			}
			b = append(b, ',') // matched_by
			b = append(b, ',')
			b = strconv.AppendInt(b, runID, 10)
			b = append(b, '\n')
			out.Write(b)
		}
	}
	return out.Close()
}

// bankPaymentID names the payment booked from a bank transaction.
func bankPaymentID(entryNo int64) string { return "bank-" + strconv.FormatInt(entryNo, 10) }

// bookkeeper decides, transaction by transaction in booking order, what
// becomes of each one, and collects the payments to book.
type bookkeeper struct {
	m         *match.Matcher
	threshold float64
	// accounts maps an IBAN to its one customer ("" when shared), as known
	// from customer_accounts and learned during the run.
	accounts map[string]string
	learned  map[[2]string]bool // (iban, customer) pairs learned in this run
	// originals maps an end-to-end id to the credit it came with, to place
	// a returned direct debit.
	originals map[string]booking
}

// booking is what a credit was booked as.
type booking struct {
	customerID string
	invoiceIDs []string
}

func newBookkeeper(ctx context.Context, conn *sql.Conn, threshold float64) (*bookkeeper, error) {
	if threshold <= 0 {
		threshold = DefaultMatchThreshold
	}
	m, accounts, err := buildMatcher(ctx, conn)
	if err != nil {
		return nil, err
	}
	return &bookkeeper{m: m, threshold: threshold, accounts: accounts, learned: map[[2]string]bool{}, originals: map[string]booking{}}, nil
}

// buildMatcher loads customers, open invoices and known accounts into a
// matcher. It also returns the IBANs that belong to exactly one customer.
func buildMatcher(ctx context.Context, q store.Querier) (*match.Matcher, map[string]string, error) {
	var customers []match.Customer
	err := store.EachRow(ctx, q, store.Query("match_customers"), func(r *sql.Rows) error {
		var c match.Customer
		if err := r.Scan(&c.ID, &c.Name); err != nil {
			return err
		}
		customers = append(customers, c)
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("matching: customers: %w", err)
	}
	var invoices []match.Invoice
	err = store.EachRow(ctx, q, store.Query("match_open_invoices"), func(r *sql.Rows) error {
		var inv match.Invoice
		var ref sql.NullString
		if err := r.Scan(&inv.ID, &inv.CustomerID, &inv.Date, store.Money(&inv.Amount), store.Money(&inv.Open), &ref); err != nil {
			return err
		}
		inv.PaymentReference = ref.String
		invoices = append(invoices, inv)
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("matching: open invoices: %w", err)
	}
	owners := map[string][]string{}
	err = store.EachRow(ctx, q, store.Query("match_customer_accounts"), func(r *sql.Rows) error {
		var iban, cust string
		if err := r.Scan(&iban, &cust); err != nil {
			return err
		}
		owners[iban] = append(owners[iban], cust)
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("matching: customer accounts: %w", err)
	}
	accounts := make(map[string]string, len(owners))
	for iban, cs := range owners {
		if len(cs) == 1 {
			accounts[iban] = cs[0]
		} else {
			accounts[iban] = ""
		}
	}
	unique := make(map[string]string, len(accounts))
	for iban, c := range accounts {
		if c != "" {
			unique[iban] = c
		}
	}
	m := match.New(customers, invoices, unique)
	err = store.EachRow(ctx, q, store.Query("match_letter_references"), func(r *sql.Rows) error {
		var l match.Letter
		var ids string
		if err := r.Scan(&l.Reference, &l.CustomerID, &ids); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(ids), &l.InvoiceIDs); err != nil {
			return err
		}
		m.AddLetter(l)
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("matching: letter references: %w", err)
	}
	for iban, cs := range owners {
		if len(cs) > 1 {
			for _, c := range cs {
				m.Learn(iban, c)
			}
		}
	}
	return m, accounts, nil
}

// loadReturnedOriginals reads the credits that the returns among txs may
// return, by end-to-end id, from earlier statements.
func (b *bookkeeper) loadReturnedOriginals(ctx context.Context, conn *sql.Conn, txs []statementTx) error {
	var ids []string
	for _, tx := range txs {
		if isReturn(tx.BankTransaction) && tx.EndToEndID != "" {
			ids = append(ids, tx.EndToEndID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE stmt_e2e (end_to_end_id VARCHAR)`); err != nil {
		return err
	}
	err := conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppender(dc.(driver.Conn), "temp", "main", "stmt_e2e")
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := app.AppendRow(id); err != nil {
				app.Close()
				return err
			}
		}
		return app.Close()
	})
	if err != nil {
		return err
	}
	err = store.EachRow(ctx, conn, store.Query("bank_returned_originals"), func(r *sql.Rows) error {
		var e2e, ids string
		var bk booking
		if err := r.Scan(&e2e, &bk.customerID, &ids); err != nil {
			return err
		}
		bk.invoiceIDs = strings.Fields(ids)
		b.originals[e2e] = bk
		return nil
	})
	if err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, `DROP TABLE temp.stmt_e2e`)
	return err
}

// isReturn tells a returned direct debit (*stornering*) from other money
// going out.
func isReturn(tx creditflow.BankTransaction) bool {
	return tx.Amount < 0 && (tx.Reversal || tx.ReturnReason != "")
}

// decide says what becomes of one new transaction.
func (b *bookkeeper) decide(tx *statementTx, entryNo int64) bankRow {
	row := bankRow{tx: tx, entryNo: entryNo}
	switch {
	case tx.Amount > 0:
		cands := b.m.Candidates(tx.BankTransaction)
		if len(cands) == 0 {
			row.status = statusUnmatched
			return row
		}
		best := cands[0]
		row.rule, row.confidence = string(best.Rule), best.Confidence
		if best.Confidence < b.threshold {
			row.status = statusUnmatched
			return row
		}
		b.m.Book(tx.BankTransaction, best)
		row.status, row.customerID, row.invoiceIDs = statusMatched, best.CustomerID, best.InvoiceIDs
		row.paymentID = bankPaymentID(entryNo)
		iban := match.NormalizeIBAN(tx.CounterIBAN)
		if tx.EndToEndID != "" {
			b.originals[tx.EndToEndID] = booking{customerID: best.CustomerID, invoiceIDs: best.InvoiceIDs}
		}
		if best.Confidence >= match.LearnConfidence && iban != "" {
			b.learn(iban, best.CustomerID)
		}
	case isReturn(tx.BankTransaction):
		orig, ok := b.original(tx.BankTransaction)
		if !ok {
			row.status = statusUnmatched
			return row
		}
		row.status, row.customerID, row.rule, row.confidence = statusReturned, orig.customerID, ruleReturn, 1
		if len(orig.invoiceIDs) == 1 {
			row.invoiceIDs = orig.invoiceIDs
		}
		row.paymentID = bankPaymentID(entryNo)
	default:
		row.status = statusDebit
	}
	return row
}

// original finds the credit a returned direct debit takes back: by its
// end-to-end id, else the customer of the payer's IBAN.
func (b *bookkeeper) original(tx creditflow.BankTransaction) (booking, bool) {
	if tx.EndToEndID != "" {
		if o, ok := b.originals[tx.EndToEndID]; ok {
			return o, true
		}
	}
	if c := b.accounts[match.NormalizeIBAN(tx.CounterIBAN)]; c != "" {
		return booking{customerID: c}, true
	}
	return booking{}, false
}

// learn records that iban pays for customer; an IBAN seen for a second
// customer becomes shared and no longer tells the customer.
func (b *bookkeeper) learn(iban, customer string) {
	switch prev, known := b.accounts[iban]; {
	case !known:
		b.accounts[iban] = customer
	case prev == customer:
		return
	case prev != "":
		b.accounts[iban] = ""
	}
	b.learned[[2]string{iban, customer}] = true
}

// saveLearned stores the IBANs learned from confident matches.
func (b *bookkeeper) saveLearned(conn *sql.Conn, now time.Time, runID int64) error {
	if len(b.learned) == 0 {
		return nil
	}
	pairs := make([][2]string, 0, len(b.learned))
	for p := range b.learned {
		pairs = append(pairs, p)
	}
	sort.Slice(pairs, func(i, j int) bool { return pairs[i][0]+pairs[i][1] < pairs[j][0]+pairs[j][1] })
	return conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppender(dc.(driver.Conn), "", "main", "customer_accounts")
		if err != nil {
			return err
		}
		for _, p := range pairs {
			if err := app.AppendRow(p[0], p[1], nil, "learned", now.UTC(), runID); err != nil {
				app.Close()
				return err
			}
		}
		return app.Close()
	})
}
