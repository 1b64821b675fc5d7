package dunning_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/creditflow/creditflow/demo/ledgertest"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/store"
	"github.com/creditflow/creditflow/store/storetest"
)

// CSV headers of the test ledgers; the rows follow them.
const (
	customersHeader = "customer_id,name,country,segment,kind,payment_terms_days,credit_limit,registration_id,email,phone,do_not_chase\n"
	invoicesHeader  = "invoice_id,customer_id,invoice_date,due_date,amount,currency,disputed,description\n"
	paymentsHeader  = "payment_id,customer_id,invoice_id,payment_date,amount,method,reference\n"
)

// ledger is a small ledger as CSV rows without headers.
type ledger struct {
	customers, invoices, payments string
}

// The base ledger of the worklist tests: every customer has one invoice of
// EUR 1,000.00 due on 2025-03-01 unless a case says otherwise.
const (
	baseCustomers = `
A,Alfa B.V.,NL,retail,b2b,30,,,,,
C,Carla Consument,NL,consumer,b2c,14,,,,,
`
	invoiceA1 = "A1,A,2025-01-30,2025-03-01,1000.00,EUR,false,\n"
)

// ledgerA1 is the base customers with A's one invoice.
var ledgerA1 = ledger{customers: baseCustomers, invoices: invoiceA1}

// loadLedger writes l as CSV files and ingests them into a fresh database.
func loadLedger(tb testing.TB, l ledger) *store.DB {
	tb.Helper()
	return loadLedgerHeader(tb, customersHeader, l)
}

// loadLedgerHeader is loadLedger with another customers header, for
// customer attributes beyond do_not_chase.
func loadLedgerHeader(tb testing.TB, custHeader string, l ledger) *store.DB {
	tb.Helper()
	var files []string
	for _, f := range []struct{ name, header, rows string }{
		{"customers.csv", custHeader, l.customers},
		{"invoices.csv", invoicesHeader, l.invoices},
		{"payments.csv", paymentsHeader, l.payments},
	} {
		if strings.TrimSpace(f.rows) != "" {
			files = append(files, f.name, f.header+strings.TrimLeft(f.rows, "\n"))
		}
	}
	return ingestFiles(tb, files...)
}

// ingestFiles writes name → content files and ingests them into a fresh
// database, as on 1 June 2025.
func ingestFiles(tb testing.TB, files ...string) *store.DB {
	tb.Helper()
	db := storetest.MustOpen(tb)
	ledgertest.Ingest(tb, db, time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), storetest.WriteFiles(tb, files...)...)
	return db
}

// day and money parse a YYYY-MM-DD date and an amount for a test table.
var (
	day   = ledgertest.Date
	money = ledgertest.Money
)

// record stores an action dated on its action date, as collector "test".
func record(tb testing.TB, db *store.DB, a dunning.NewAction) dunning.Action {
	tb.Helper()
	now := a.ActionDate.Time.Add(10 * time.Hour)
	got, err := dunning.RecordAction(context.Background(), db, dunning.DefaultPolicy(), a, "test", now)
	if err != nil {
		tb.Fatalf("record %+v: %v", a, err)
	}
	return got
}

// stepAction is a ladder step done on a day, covering all overdue invoices.
func stepAction(tb testing.TB, customer, step, on string) dunning.NewAction {
	return dunning.NewAction{CustomerID: customer, Type: dunning.ReminderSent, Step: step, ActionDate: day(tb, on)}
}

// promise is a promise to pay made on a day to pay by another.
func promise(tb testing.TB, customer, on, by string) dunning.NewAction {
	return dunning.NewAction{CustomerID: customer, Type: dunning.PromiseToPay, ActionDate: day(tb, on), PromiseDate: day(tb, by)}
}

// arrangementA is A's way to an arrangement: the friendly and the second
// reminder, then on 2025-03-20 an arrangement to pay 300 on 1 April, 300 on
// 1 May and 400 on 1 June; the arrangement comes last.
func arrangementA(tb testing.TB) []dunning.NewAction {
	return []dunning.NewAction{
		stepAction(tb, "A", "friendly_reminder", "2025-03-02"),
		stepAction(tb, "A", "second_reminder", "2025-03-15"),
		{CustomerID: "A", Type: dunning.Arrangement, ActionDate: day(tb, "2025-03-20"), Instalments: []dunning.Instalment{
			{Date: day(tb, "2025-04-01"), Amount: money(tb, "300.00")},
			{Date: day(tb, "2025-05-01"), Amount: money(tb, "300.00")},
			{Date: day(tb, "2025-06-01"), Amount: money(tb, "400.00")},
		}},
	}
}

// worklistOn computes the worklist of asOf under p and indexes its ladder
// tasks by customer; the confirmations of arrangements are left out of the
// index (TestArrangementConfirmation checks them).
func worklistOn(tb testing.TB, db *store.DB, asOf string, p dunning.Policy) (dunning.Worklist, map[string]dunning.Task) {
	tb.Helper()
	w, err := dunning.ComputeWorklist(context.Background(), db, day(tb, asOf), dunning.Options{Policy: p})
	if err != nil {
		tb.Fatal(err)
	}
	tasks := map[string]dunning.Task{}
	for _, t := range w.Tasks {
		if t.Step != dunning.ArrangementConfirmationStep {
			tasks[t.CustomerID] = t
		}
	}
	return w, tasks
}

// worklistCase loads the ledger of a case, records its actions and computes
// the worklist of asOf under the default policy, changed by policy when
// set. It returns the database and the policy too.
func worklistCase(tb testing.TB, l ledger, actions []dunning.NewAction, policy func(*dunning.Policy), asOf string) (*store.DB, dunning.Policy, dunning.Worklist, map[string]dunning.Task) {
	tb.Helper()
	db := loadLedger(tb, l)
	for _, a := range actions {
		record(tb, db, a)
	}
	p := dunning.DefaultPolicy()
	if policy != nil {
		policy(&p)
	}
	w, tasks := worklistOn(tb, db, asOf, p)
	return db, p, w, tasks
}

// expectTask returns customer's task on w and true when wantStep names a
// step, and fails the test when there is none. When wantStep is "", it
// fails when there is a task or when skipped, the count of cause among
// w's skipped customers, is not 1; it returns false.
func expectTask(tb testing.TB, w dunning.Worklist, tasks map[string]dunning.Task, customer, wantStep, cause string,
	skipped func(dunning.Skipped) int) (dunning.Task, bool) {
	tb.Helper()
	task, ok := tasks[customer]
	if wantStep == "" {
		if ok {
			tb.Fatalf("%s: task %s (%s), want none", customer, task.Step, task.Reason)
		}
		if skipped(w.Skipped) != 1 {
			tb.Errorf("skipped %+v, want %s skipped as %s", w.Skipped, customer, cause)
		}
		return task, false
	}
	if !ok {
		tb.Fatalf("%s: no task, want %s (skipped %+v)", customer, wantStep, w.Skipped)
	}
	return task, true
}
