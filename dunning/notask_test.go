package dunning_test

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"testing"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/store"
)

// openItemsOf reads a customer's open items on asOf with the query of the
// open-items list (sql/open_items.sql), whose rows the customer page hands
// to WhyNoTask.
func openItemsOf(tb testing.TB, db *store.DB, asOf creditflow.Date, cur, customerID string) []creditflow.OpenItem {
	tb.Helper()
	var items []creditflow.OpenItem
	err := store.EachRow(context.Background(), db, store.Query("open_items"), func(rows *sql.Rows) error {
		it, _, err := store.ScanOpenItem(rows)
		if err == nil {
			items = append(items, it)
		}
		return err
	}, asOf, cur, customerID, "days_past_due", 10000, 0)
	if err != nil {
		tb.Fatal(err)
	}
	return items
}

// Ladder outcomes of one customer on a day: a task, none because the
// customer has nothing overdue to chase (not on the ladder at all), or one
// of the causes counted in dunning.Skipped.
const (
	outTask         = "task"
	outNotOverdue   = "not overdue"
	outDisputed     = "disputed"
	outBelowMinimum = "below minimum"
	outPromised     = "promised"
	outArrangement  = "arrangement"
	outDoNotChase   = "do not chase"
	outNotYetDue    = "not yet due"
	outLadderDone   = "ladder done"
)

// ladderOutcome is what the ladder decided for customer on the worklist w.
func ladderOutcome(t *testing.T, w dunning.Worklist, customer string) string {
	t.Helper()
	for _, task := range w.Tasks {
		if task.CustomerID == customer {
			return outTask
		}
	}
	s := w.Skipped
	var causes []string
	total := 0
	for _, c := range []struct {
		name string
		n    int
	}{
		{outDisputed, s.Disputed}, {outBelowMinimum, s.BelowMinimum}, {outPromised, s.Promised},
		{outArrangement, s.Arrangement}, {outDoNotChase, s.DoNotChase}, {outNotYetDue, s.NotYetDue},
		{outLadderDone, s.LadderDone},
	} {
		total += c.n
		if c.n > 0 {
			causes = append(causes, c.name)
		}
	}
	switch total {
	case 0:
		return outNotOverdue
	case 1:
		return causes[0]
	}
	t.Fatalf("skipped %+v: the test ledgers have one customer with overdue invoices", s)
	return ""
}

// Kinds of WhyNoTask's explanation: one of its own causes, or the rest,
// left to the ladder's state (the next step not yet due, the ladder done,
// or do-not-chase).
const (
	whyNotOverdue   = "not overdue"
	whyDisputed     = "disputed"
	whyBelowMinimum = "below minimum"
	whyPromise      = "promise"
	whyArrangement  = "arrangement"
	whyLadder       = "ladder"
)

// whyKind tells the kind of an explanation by its opening words.
func whyKind(why string) string {
	for _, k := range []struct{ prefix, kind string }{
		{"Not overdue: ", whyNotOverdue},
		{"Paused by a dispute: ", whyDisputed},
		{"Not chased: ", whyBelowMinimum},
		{"Paused by a promise to pay ", whyPromise},
		{"Paused by a payment arrangement ", whyArrangement},
		{"No step is due on ", whyLadder},
	} {
		if strings.HasPrefix(why, k.prefix) {
			return k.kind
		}
	}
	return "unknown"
}

// explains maps each ladder outcome to the explanations WhyNoTask may give
// for it, and whether it is a pause. The ladder counts an arrangement
// without instalments as a promise. When the ladder proposes a task, none
// of WhyNoTask's own causes may hold: its explanation leaves the matter to
// the ladder and is no pause, so it never claims a cause for having no
// task that the ladder does not see (the customer page shows the task
// instead).
var explains = map[string]struct {
	kinds  []string
	paused bool
}{
	outTask:         {[]string{whyLadder}, false},
	outNotOverdue:   {[]string{whyNotOverdue}, false},
	outDisputed:     {[]string{whyDisputed}, true},
	outBelowMinimum: {[]string{whyBelowMinimum}, false},
	outPromised:     {[]string{whyPromise, whyArrangement}, true},
	outArrangement:  {[]string{whyArrangement}, true},
	outDoNotChase:   {[]string{whyLadder}, false},
	outNotYetDue:    {[]string{whyLadder}, false},
	outLadderDone:   {[]string{whyLadder}, false},
}

// ladderWhy is WhyNoTask's explanation when it leaves the matter to the
// ladder's state: the amount overdue on the day, and no cause of its own.
func ladderWhy(day, overdue string) string {
	return "No step is due on " + day + ": " + overdue + " overdue, but the next step of the ladder is not yet due " +
		"or waits for the term of the last letter, the ladder is done, or the customer is marked do-not-chase."
}

// TestWhyNoTask checks WhyNoTask against the ladder: for each hand-built
// ledger, ComputeWorklist decides customer A's (or C's) task, and
// WhyNoTask, given the same policy, open items and actions, must explain
// that decision (explains), word for word (why).
func TestWhyNoTask(t *testing.T) {
	cases := []struct {
		name     string
		customer string // "" for A
		ledger   ledger
		actions  []dunning.NewAction
		policy   func(p *dunning.Policy)
		asOf     string
		ladder   string // the ladder's outcome
		why      string
		known    string // a known disagreement with the ladder: the case is skipped
	}{
		{
			name:   "not yet overdue on the due date",
			ledger: ledgerA1,
			asOf:   "2025-03-01",
			ladder: outNotOverdue,
			why:    "Not overdue: no invoice is past due on 1 March 2025.",
		},
		{
			name:   "paid",
			ledger: ledger{customers: baseCustomers, invoices: invoiceA1, payments: "P1,A,A1,2025-03-05,1000.00,transfer,\n"},
			asOf:   "2025-03-20",
			ladder: outNotOverdue,
			why:    "Not overdue: no invoice is past due on 20 March 2025.",
		},
		{
			name:   "a reminder the day after the due date",
			ledger: ledgerA1,
			asOf:   "2025-03-02",
			ladder: outTask,
			why:    ladderWhy("2 March 2025", "EUR 1,000.00"),
		},
		{
			name:   "disputed in the ledger",
			ledger: ledger{customers: baseCustomers, invoices: "A1,A,2025-01-30,2025-03-01,1000.00,EUR,true,\n"},
			asOf:   "2025-03-20",
			ladder: outDisputed,
			why:    "Paused by a dispute: the one overdue invoice is disputed.",
		},
		{
			name:   "disputed, resolved and disputed again by actions",
			ledger: ledger{customers: baseCustomers, invoices: invoiceA1 + "A2,A,2025-02-01,2025-03-03,500.00,EUR,false,\n"},
			actions: []dunning.NewAction{
				{CustomerID: "A", Type: dunning.Dispute, InvoiceIDs: []string{"A1", "A2"}, Reason: "goods damaged", ActionDate: day(t, "2025-03-03")},
				{CustomerID: "A", Type: dunning.DisputeResolved, InvoiceIDs: []string{"A1"}, ActionDate: day(t, "2025-03-10")},
				{CustomerID: "A", Type: dunning.Dispute, InvoiceIDs: []string{"A1"}, Reason: "goods damaged", ActionDate: day(t, "2025-03-12")},
			},
			asOf:   "2025-03-20",
			ladder: outDisputed,
			why:    "Paused by a dispute: all 2 overdue invoices are disputed.",
		},
		{
			name:    "a ledger dispute resolved by an action",
			ledger:  ledger{customers: baseCustomers, invoices: "A1,A,2025-01-30,2025-03-01,1000.00,EUR,true,\n"},
			actions: []dunning.NewAction{{CustomerID: "A", Type: dunning.DisputeResolved, InvoiceIDs: []string{"A1"}, ActionDate: day(t, "2025-03-10")}},
			asOf:    "2025-03-20",
			ladder:  outTask,
			why:     ladderWhy("20 March 2025", "EUR 1,000.00"),
		},
		{
			name:    "a dispute after the as-of date does not count yet",
			ledger:  ledgerA1,
			actions: []dunning.NewAction{{CustomerID: "A", Type: dunning.Dispute, InvoiceIDs: []string{"A1"}, Reason: "goods damaged", ActionDate: day(t, "2025-03-25")}},
			asOf:    "2025-03-20",
			ladder:  outTask,
			why:     ladderWhy("20 March 2025", "EUR 1,000.00"),
		},
		{
			name:   "one of two invoices disputed",
			ledger: ledger{customers: baseCustomers, invoices: invoiceA1 + "A2,A,2025-02-01,2025-03-03,500.00,EUR,true,\n"},
			asOf:   "2025-03-20",
			ladder: outTask,
			why:    ladderWhy("20 March 2025", "EUR 1,000.00"),
		},
		{
			name:   "below the minimum amount",
			ledger: ledger{customers: baseCustomers, invoices: "A1,A,2025-01-30,2025-03-01,24.99,EUR,false,\n"},
			asOf:   "2025-03-20",
			ladder: outBelowMinimum,
			why:    "Not chased: EUR 24.99 overdue is below the policy's minimum of EUR 25.00.",
		},
		{
			name:   "at the minimum amount",
			ledger: ledger{customers: baseCustomers, invoices: "A1,A,2025-01-30,2025-03-01,25.00,EUR,false,\n"},
			asOf:   "2025-03-20",
			ladder: outTask,
			why:    ladderWhy("20 March 2025", "EUR 25.00"),
		},
		{
			name:   "below the policy's own minimum once the disputed invoice is left out",
			ledger: ledger{customers: baseCustomers, invoices: "A1,A,2025-01-30,2025-03-01,1500.00,EUR,false,\nA2,A,2025-02-01,2025-03-03,100000.00,EUR,true,\n"},
			policy: func(p *dunning.Policy) { p.MinAmount = 200000 },
			asOf:   "2025-03-20",
			ladder: outBelowMinimum,
			why:    "Not chased: EUR 1,500.00 overdue is below the policy's minimum of EUR 2,000.00.",
		},
		{
			name:    "a promise to pay within the grace days",
			ledger:  ledgerA1,
			actions: []dunning.NewAction{promise(t, "A", "2025-03-05", "2025-03-20")},
			asOf:    "2025-03-23",
			ladder:  outPromised,
			why:     "Paused by a promise to pay by 20 March 2025 (made on 5 March 2025); the ladder resumes after 23 March 2025, 3 days' grace.",
		},
		{
			name:    "a promise to pay past the grace days",
			ledger:  ledgerA1,
			actions: []dunning.NewAction{promise(t, "A", "2025-03-05", "2025-03-20")},
			asOf:    "2025-03-24",
			ladder:  outTask,
			why:     ladderWhy("24 March 2025", "EUR 1,000.00"),
		},
		{
			name:    "the policy's grace days",
			ledger:  ledgerA1,
			actions: []dunning.NewAction{promise(t, "A", "2025-03-05", "2025-03-20")},
			policy:  func(p *dunning.Policy) { p.PromiseGraceDays = 10 },
			asOf:    "2025-03-30",
			ladder:  outPromised,
			why:     "Paused by a promise to pay by 20 March 2025 (made on 5 March 2025); the ladder resumes after 30 March 2025, 10 days' grace.",
		},
		{
			name:   "the latest of two promises",
			ledger: ledgerA1,
			actions: []dunning.NewAction{
				promise(t, "A", "2025-03-05", "2025-03-28"),
				promise(t, "A", "2025-03-10", "2025-03-15"),
			},
			asOf:   "2025-03-25",
			ladder: outPromised,
			why:    "Paused by a promise to pay by 28 March 2025 (made on 5 March 2025); the ladder resumes after 31 March 2025, 3 days' grace.",
		},
		{
			name:    "an arrangement without instalments",
			ledger:  ledgerA1,
			actions: []dunning.NewAction{{CustomerID: "A", Type: dunning.Arrangement, ActionDate: day(t, "2025-03-10"), PromiseDate: day(t, "2025-04-30")}},
			asOf:    "2025-04-02",
			ladder:  outPromised,
			why:     "Paused by a payment arrangement until 30 April 2025 (made on 10 March 2025); the ladder resumes after 3 May 2025, 3 days' grace.",
		},
		{
			name:    "an arrangement with instalments, kept",
			ledger:  ledger{customers: baseCustomers, invoices: invoiceA1, payments: "P1,A,A1,2025-03-31,300.00,transfer,\n"},
			actions: arrangementA(t),
			asOf:    "2025-04-20",
			ladder:  outArrangement,
			why:     "Paused by a payment arrangement until 1 June 2025 (made on 20 March 2025); the ladder resumes after 4 June 2025, 3 days' grace.",
		},
		{
			name:    "an arrangement with instalments, paid in full",
			ledger:  ledger{customers: baseCustomers, invoices: invoiceA1, payments: "P1,A,A1,2025-03-31,1000.00,transfer,\n"},
			actions: arrangementA(t),
			asOf:    "2025-04-20",
			ladder:  outNotOverdue,
			why:     "Not overdue: no invoice is past due on 20 April 2025.",
		},
		{
			// The ladder resumes at the aanmaning once an instalment is missed;
			// WhyNoTask knows neither the instalments nor the payments
			// since the arrangement and still takes it for running.
			name:    "an arrangement with instalments, one missed",
			ledger:  ledgerA1,
			actions: arrangementA(t),
			asOf:    "2025-04-05",
			ladder:  outTask,
			why:     ladderWhy("5 April 2025", "EUR 1,000.00"),
			known:   "WhyNoTask does not see a missed instalment: it still says the arrangement pauses the ladder",
		},
		{
			name:   "do-not-chase",
			ledger: ledger{customers: "A,Alfa B.V.,NL,retail,b2b,30,,,,,true\n", invoices: invoiceA1},
			asOf:   "2025-03-20",
			ladder: outDoNotChase,
			why:    ladderWhy("20 March 2025", "EUR 1,000.00"),
		},
		{
			name:    "the next step not yet due",
			ledger:  ledger{customers: baseCustomers, invoices: "A1,A,2025-01-30,2025-03-01,1234567.89,EUR,false,\n"},
			actions: []dunning.NewAction{stepAction(t, "A", "friendly_reminder", "2025-03-02")},
			asOf:    "2025-03-14",
			ladder:  outNotYetDue,
			why:     ladderWhy("14 March 2025", "EUR 1,234,567.89"),
		},
		{
			// The trigger of the ingebrekestelling (20 April) has come,
			// but the aanmaning of 15 April grants 14 days.
			name:    "the next step waits for the term of the aanmaning",
			ledger:  ledgerA1,
			actions: []dunning.NewAction{{CustomerID: "A", Type: dunning.LetterSent, Step: "aanmaning", ActionDate: day(t, "2025-04-15")}},
			asOf:    "2025-04-29",
			ladder:  outNotYetDue,
			why:     ladderWhy("29 April 2025", "EUR 1,000.00"),
		},
		{
			name:    "catch-up stops at the required ingebrekestelling",
			ledger:  ledgerA1,
			actions: []dunning.NewAction{{CustomerID: "A", Type: dunning.LetterSent, Step: "aanmaning", ActionDate: day(t, "2025-03-31")}},
			asOf:    "2025-05-20",
			ladder:  outTask,
			why:     ladderWhy("20 May 2025", "EUR 1,000.00"),
		},
		{
			name:    "the ladder done",
			ledger:  ledgerA1,
			actions: []dunning.NewAction{stepAction(t, "A", "handover", "2025-05-05")},
			asOf:    "2025-05-20",
			ladder:  outLadderDone,
			why:     ladderWhy("20 May 2025", "EUR 1,000.00"),
		},
		{
			name:     "a consumer's 14-day letter",
			customer: "C",
			ledger:   ledger{customers: baseCustomers, invoices: "C1,C,2025-02-15,2025-03-01,1000.00,EUR,false,\n"},
			actions:  []dunning.NewAction{stepAction(t, "C", "reminder", "2025-03-02")},
			asOf:     "2025-03-17",
			ladder:   outTask,
			why:      ladderWhy("17 March 2025", "EUR 1,000.00"),
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.known != "" {
				t.Skip("known disagreement with the ladder: " + tc.known)
			}
			customer := tc.customer
			if customer == "" {
				customer = "A"
			}
			db, p, w, _ := worklistCase(t, tc.ledger, tc.actions, tc.policy, tc.asOf)
			asOf := day(t, tc.asOf)
			got := ladderOutcome(t, w, customer)
			if got != tc.ladder {
				t.Fatalf("the ladder's outcome is %s (tasks %+v), the case expects %s", got, w.Tasks, tc.ladder)
			}
			actions, err := dunning.Actions(context.Background(), db, customer)
			if err != nil {
				t.Fatal(err)
			}
			items := openItemsOf(t, db, asOf, w.Currency, customer)
			why, paused := dunning.WhyNoTask(p, asOf, items, actions, w.Currency)
			want := explains[got]
			if kind := whyKind(why); !slices.Contains(want.kinds, kind) || paused != want.paused {
				t.Errorf("ladder %s: WhyNoTask explains %s (paused %v), want %s (paused %v): %q",
					got, kind, paused, strings.Join(want.kinds, " or "), want.paused, why)
			}
			if why != tc.why {
				t.Errorf("WhyNoTask:\n got %q\nwant %q", why, tc.why)
			}
		})
	}
}
