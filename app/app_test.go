package app_test

import (
	"context"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/bank"
	"github.com/creditflow/creditflow/demo"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/ingest"
	"github.com/creditflow/creditflow/store/storetest"
)

// testEnd is the last day of the test ledger and the clock of the tests.
var testEnd = time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)

var (
	ledgerOnce sync.Once
	ledgerDir  string
	ledgerErr  error
)

// ledgerFiles writes a small demo ledger with bank statements once per test
// run and returns its files.
func ledgerFiles(t *testing.T) []string {
	t.Helper()
	ledgerOnce.Do(func() {
		dir, err := tempDir()
		if err != nil {
			ledgerErr = err
			return
		}
		ledgerDir = dir
		cfg := demo.Config{Customers: 60, Invoices: 6000, Seed: 7, End: testEnd, Years: 2, Statements: true, StatementMonths: 3}
		_, ledgerErr = demo.Generate(context.Background(), dir, cfg)
	})
	if ledgerErr != nil {
		t.Fatal(ledgerErr)
	}
	paths := []string{filepath.Join(ledgerDir, demo.CustomersFile), filepath.Join(ledgerDir, demo.InvoicesFile),
		filepath.Join(ledgerDir, demo.PaymentsFile), filepath.Join(ledgerDir, demo.CustomerAccountsFile)}
	statements, err := filepath.Glob(filepath.Join(ledgerDir, demo.StatementsDir, "*"))
	if err != nil || len(statements) == 0 {
		t.Fatalf("statements: %v (%d files)", err, len(statements))
	}
	return append(paths, statements...)
}

// newApp returns an application on a fresh database holding the test ledger.
func newApp(t *testing.T) *app.App {
	t.Helper()
	a := app.New(app.Config{DB: storetest.MustOpen(t), Now: func() time.Time { return testEnd.Add(9 * time.Hour) }})
	if _, err := a.Ingest(context.Background(), ledgerFiles(t), ingest.Options{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestInvalidateDropsOnlyWhatChanged(t *testing.T) {
	ctx := context.Background()
	a := newApp(t)
	today := creditflow.NewDate(testEnd)
	monthAgo := today.AddDays(-30)

	scores := func(d creditflow.Date) any {
		s, err := a.Scores(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	forecastOf := func(d creditflow.Date) creditflow.Forecast {
		f, err := a.Forecast(ctx, d, 4)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	worklist := func(d creditflow.Date) *app.Worklist {
		w, err := a.Worklist(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	sToday, sMonthAgo, wToday := scores(today), scores(monthAgo), worklist(today)
	if scores(today) != sToday || worklist(today) != wToday {
		t.Fatal("a second call computed again instead of keeping the result")
	}
	fToday := forecastOf(today)

	// A recorded action changes the worklist, not the scores or the forecast.
	a.Invalidate(app.Change{Kind: app.ActionRecorded, Customer: wToday.Tasks[0].CustomerID})
	if scores(today) != sToday {
		t.Error("an action dropped the scores")
	}
	if worklist(today) == wToday {
		t.Error("an action kept the worklist")
	}
	// A payment booked on a date outdates what was known from that date on
	// only: the old scores are served while the date is scored again.
	a.Invalidate(app.Change{Kind: app.PaymentBooked, From: today.AddDays(-10)})
	if scores(monthAgo) != sMonthAgo || a.Refreshing(monthAgo) {
		t.Error("a payment booked 10 days ago outdated the scores of a month ago")
	}
	if scores(today) != sToday || !a.Refreshing(today) {
		t.Error("right after a booked payment, today's old scores are not served while they are computed again")
	}
	waitFresh(t, a, today)
	if scores(today) == sToday {
		t.Error("a payment booked 10 days ago kept today's scores once they were computed again")
	}
	if f := forecastOf(today); !slices.Equal(f.Weeks, fToday.Weeks) {
		t.Error("the forecast computed again on an unchanged ledger differs")
	}
	// A loaded file drops everything.
	sMonthAgo = scores(monthAgo)
	a.Invalidate(app.Change{Kind: app.LedgerLoaded})
	if scores(monthAgo) == sMonthAgo {
		t.Error("an ingest kept the scores of a month ago")
	}
}

func TestRecordedActionIsSeenAtOnce(t *testing.T) {
	ctx := context.Background()
	a := newApp(t)
	today := creditflow.NewDate(testEnd)
	w, err := a.Worklist(ctx, today)
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Tasks) == 0 {
		t.Fatal("the test ledger has no task")
	}
	task := w.Tasks[0]
	amount := task.AmountOverdue
	if _, err := a.RecordAction(ctx, dunning.NewAction{CustomerID: task.CustomerID, Type: dunning.PromiseToPay,
		ActionDate: today, PromiseDate: today.AddDays(7), Amount: &amount}, "test"); err != nil {
		t.Fatal(err)
	}
	got, err := a.Task(ctx, today, task.CustomerID)
	if err != nil {
		t.Fatal(err)
	}
	if got != nil {
		t.Errorf("after a promise to pay all that is overdue, %s still has a task: %s", task.CustomerID, got.Step)
	}
}

// TestRecordedDisputeOutdatesLaterFigures checks that a dispute outdates the
// scores from its date on, since every analytic reads the dispute state,
// and leaves earlier ones standing.
func TestRecordedDisputeOutdatesLaterFigures(t *testing.T) {
	ctx := context.Background()
	a := newApp(t)
	today := creditflow.NewDate(testEnd)
	monthAgo := today.AddDays(-30)
	w, err := a.Worklist(ctx, today)
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Tasks) == 0 {
		t.Fatal("the test ledger has no task")
	}
	customer := w.Tasks[0].CustomerID
	var invoice string
	if err := a.DB().QueryRowContext(ctx, `SELECT invoice_id FROM open_invoices(CAST(? AS DATE), report_currency())
		WHERE customer_id = ? AND days_past_due > 10 AND NOT disputed ORDER BY invoice_id LIMIT 1`, today, customer).Scan(&invoice); err != nil {
		t.Fatal(err)
	}
	sMonthAgo, err := a.Scores(ctx, monthAgo)
	if err != nil {
		t.Fatal(err)
	}
	sToday, err := a.Scores(ctx, today)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.RecordAction(ctx, dunning.NewAction{CustomerID: customer, Type: dunning.Dispute, InvoiceIDs: []string{invoice},
		Reason: "not delivered", ActionDate: today.AddDays(-10)}, "test"); err != nil {
		t.Fatal(err)
	}
	if s, _ := a.Scores(ctx, monthAgo); s != sMonthAgo || a.Refreshing(monthAgo) {
		t.Error("a dispute of 10 days ago outdated the scores of a month ago")
	}
	if s, _ := a.Scores(ctx, today); s != sToday || !a.Refreshing(today) {
		t.Error("right after a dispute, today's old scores are not served while they are computed again")
	}
	waitFresh(t, a, today)
	if s, _ := a.Scores(ctx, today); s == sToday {
		t.Error("a dispute of 10 days ago kept today's scores once they were computed again")
	}
}

func TestMatchByHandLeavesTheQueue(t *testing.T) {
	ctx := context.Background()
	a := newApp(t)
	page, err := a.Unmatched(ctx, 50, 0)
	if err != nil {
		t.Fatal(err)
	}
	var tx *bank.UnmatchedTransaction
	for i, it := range page.Items {
		if it.Amount > 0 && len(it.Candidates) > 0 {
			tx = &page.Items[i]
			break
		}
	}
	if tx == nil {
		t.Fatalf("no unmatched credit with a candidate among %d", page.Total)
	}
	scoredBefore, err := a.Scores(ctx, tx.BookingDate.AddDays(-1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Scores(ctx, creditflow.NewDate(testEnd)); err != nil {
		t.Fatal(err)
	}
	if _, err := a.MatchByHand(ctx, tx.ID, bank.ManualMatch{CustomerID: tx.Candidates[0].CustomerID}, "test"); err != nil {
		t.Fatal(err)
	}
	after, err := a.Unmatched(ctx, 500, 0)
	if err != nil {
		t.Fatal(err)
	}
	if after.Total != page.Total-1 {
		t.Errorf("after one match the queue holds %d, want %d", after.Total, page.Total-1)
	}
	for _, it := range after.Items {
		if it.ID == tx.ID {
			t.Errorf("transaction %d is still waiting after its match", tx.ID)
		}
	}
	if s, err := a.Scores(ctx, tx.BookingDate.AddDays(-1)); err != nil || s != scoredBefore {
		t.Errorf("a payment booked on %s dropped the scores of the day before (err %v)", tx.BookingDate, err)
	}
	if !a.Refreshing(creditflow.NewDate(testEnd)) {
		t.Errorf("a payment booked on %s did not outdate today's scores", tx.BookingDate)
	}
}

// waitFresh waits until the figures of asOf are computed again after a
// change, calling for them as a page would.
func waitFresh(t *testing.T, a *app.App, asOf creditflow.Date) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for a.Refreshing(asOf) {
		if time.Now().After(deadline) {
			t.Fatalf("the figures of %s are still outdated after 2 minutes", asOf)
		}
		if _, err := a.Scores(context.Background(), asOf); err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestRiskOverviewAfterChanges checks what the risk overview keeps: an
// action keeps all of it, a booked payment serves the old overview while
// it is computed again and then scores only the dates from the payment's
// on, and an ingest drops it.
func TestRiskOverviewAfterChanges(t *testing.T) {
	ctx := context.Background()
	a := newApp(t)
	today := creditflow.NewDate(testEnd)
	overview := func() *app.RiskOverview {
		t.Helper()
		o, err := a.RiskOverview(ctx, today)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	o := overview()
	last := len(o.Dates) - 1
	if o.Dates[last] != today || o.Scored != o.History[last] || len(o.Dates) != app.RiskHistoryDates {
		t.Fatalf("overview of %s: dates %v", today, o.Dates)
	}
	for i, d := range o.Dates {
		if o.History[i] == nil || o.History[i].AsOf != d {
			t.Errorf("the history of %s holds no scores of %s", today, d)
		}
	}
	if overview() != o {
		t.Fatal("a second call computed the overview again")
	}

	w, err := a.Worklist(ctx, today)
	if err != nil || len(w.Tasks) == 0 {
		t.Fatalf("worklist: %v (%d tasks)", err, len(w.Tasks))
	}
	amount := w.Tasks[0].AmountOverdue
	if _, err := a.RecordAction(ctx, dunning.NewAction{CustomerID: w.Tasks[0].CustomerID, Type: dunning.PromiseToPay,
		ActionDate: today, PromiseDate: today.AddDays(7), Amount: &amount}, "test"); err != nil {
		t.Fatal(err)
	}
	if overview() != o || a.Refreshing(today) {
		t.Error("a promise to pay made the risk overview be computed again")
	}

	from := today.AddDays(-10)
	a.Invalidate(app.Change{Kind: app.PaymentBooked, From: from})
	if overview() != o || !a.Refreshing(today) {
		t.Error("right after a booked payment, the old overview is not served while it is computed again")
	}
	deadline := time.Now().Add(2 * time.Minute)
	for a.Refreshing(today) {
		if time.Now().After(deadline) {
			t.Fatal("the overview is still outdated after 2 minutes")
		}
		overview()
		time.Sleep(50 * time.Millisecond)
	}
	o2 := overview()
	if o2 == o || o2.Scored == o.Scored {
		t.Fatal("the overview was not computed again after a booked payment")
	}
	for i, d := range o.Dates {
		if d.Before(from.Time) && o2.History[i] != o.History[i] {
			t.Errorf("a payment booked on %s had the scores of %s computed again", from, d)
		}
	}

	a.Invalidate(app.Change{Kind: app.LedgerLoaded})
	if o3 := overview(); o3 == o2 || o3.History[0] == o2.History[0] {
		t.Error("an ingest kept the risk overview")
	}
}
