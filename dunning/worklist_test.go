package dunning_test

import (
	"context"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/creditflow/creditflow/dunning"
)

func TestWorklist(t *testing.T) {
	type want struct {
		step     string // "" for no task
		dueSince string
		channel  dunning.Channel
		deferred bool
	}
	cases := []struct {
		name    string
		ledger  ledger
		actions []dunning.NewAction
		policy  func(p *dunning.Policy)
		asOf    string
		want    map[string]want
		skipped dunning.Skipped
	}{
		{
			name:   "not yet overdue on the due date",
			ledger: ledgerA1,
			asOf:   "2025-03-01",
			want:   map[string]want{"A": {}},
		},
		{
			name:   "friendly reminder the day after the due date",
			ledger: ledgerA1,
			asOf:   "2025-03-02",
			want:   map[string]want{"A": {step: "friendly_reminder", dueSince: "2025-03-02", channel: dunning.Email}},
		},
		{
			name:    "next step waits for its trigger",
			ledger:  ledgerA1,
			actions: []dunning.NewAction{stepAction(t, "A", "friendly_reminder", "2025-03-02")},
			asOf:    "2025-03-14",
			want:    map[string]want{"A": {}},
			skipped: dunning.Skipped{NotYetDue: 1},
		},
		{
			// The trigger (14 days past due) has come, but the friendly
			// reminder's 14 days run until 16 March.
			name:    "next step waits for the term of the reminder",
			ledger:  ledgerA1,
			actions: []dunning.NewAction{stepAction(t, "A", "friendly_reminder", "2025-03-02")},
			asOf:    "2025-03-16",
			want:    map[string]want{"A": {}},
			skipped: dunning.Skipped{NotYetDue: 1},
		},
		{
			name:    "next step after the trigger days and the reminder's term",
			ledger:  ledgerA1,
			actions: []dunning.NewAction{stepAction(t, "A", "friendly_reminder", "2025-03-02")},
			asOf:    "2025-03-17",
			want:    map[string]want{"A": {step: "second_reminder", dueSince: "2025-03-17", channel: dunning.Email}},
		},
		{
			name:    "missed days catch up with the most advanced step",
			ledger:  ledgerA1,
			actions: []dunning.NewAction{stepAction(t, "A", "friendly_reminder", "2025-03-02")},
			asOf:    "2025-04-02",
			want:    map[string]want{"A": {step: "aanmaning", dueSince: "2025-03-31", channel: dunning.Letter}},
		},
		{
			name:    "a done step is never repeated",
			ledger:  ledgerA1,
			actions: []dunning.NewAction{stepAction(t, "A", "aanmaning", "2025-03-31")},
			asOf:    "2025-04-05",
			want:    map[string]want{"A": {}},
			skipped: dunning.Skipped{NotYetDue: 1},
		},
		{
			name: "paid customer has nothing due",
			ledger: ledger{customers: baseCustomers, invoices: "A1,A,2025-01-30,2025-03-01,1000.00,EUR,false,\n",
				payments: "P1,A,A1,2025-03-05,1000.00,transfer,\n"},
			asOf: "2025-03-20",
			want: map[string]want{"A": {}},
		},
		{
			name: "a payment of the oldest invoice restarts nothing",
			ledger: ledger{customers: baseCustomers, invoices: "A1,A,2025-01-30,2025-03-01,1000.00,EUR,false,\nA2,A,2025-02-05,2025-03-07,500.00,EUR,false,\n",
				payments: "P1,A,A1,2025-03-20,1000.00,transfer,\n"},
			actions: []dunning.NewAction{stepAction(t, "A", "second_reminder", "2025-03-15")},
			// A2 is 14 days past due on 03-21: the second reminder is done in
			// this cycle, the call (21 days) is not yet due.
			asOf:    "2025-03-21",
			want:    map[string]want{"A": {}},
			skipped: dunning.Skipped{NotYetDue: 1},
		},
		{
			name:    "disputed in the ledger is paused",
			ledger:  ledger{customers: baseCustomers, invoices: "A1,A,2025-01-30,2025-03-01,1000.00,EUR,true,\n"},
			asOf:    "2025-03-20",
			want:    map[string]want{"A": {}},
			skipped: dunning.Skipped{Disputed: 1},
		},
		{
			name:   "disputed by an action is paused, resolved resumes",
			ledger: ledgerA1,
			actions: []dunning.NewAction{
				{CustomerID: "A", Type: dunning.Dispute, InvoiceIDs: []string{"A1"}, Reason: "goods damaged", ActionDate: day(t, "2025-03-03")},
				{CustomerID: "A", Type: dunning.DisputeResolved, InvoiceIDs: []string{"A1"}, ActionDate: day(t, "2025-03-10")},
				{CustomerID: "A", Type: dunning.Dispute, InvoiceIDs: []string{"A1"}, Reason: "goods damaged", ActionDate: day(t, "2025-03-12")},
			},
			asOf:    "2025-03-20",
			want:    map[string]want{"A": {}},
			skipped: dunning.Skipped{Disputed: 1},
		},
		{
			name:    "promise to pay pauses until the promised date plus grace",
			ledger:  ledgerA1,
			actions: []dunning.NewAction{promise(t, "A", "2025-03-05", "2025-03-20")},
			asOf:    "2025-03-23",
			want:    map[string]want{"A": {}},
			skipped: dunning.Skipped{Promised: 1},
		},
		{
			name:   "broken promise: the ladder resumes after the grace days",
			ledger: ledgerA1,
			actions: []dunning.NewAction{
				stepAction(t, "A", "friendly_reminder", "2025-03-02"),
				promise(t, "A", "2025-03-05", "2025-03-20"),
			},
			asOf: "2025-03-24",
			want: map[string]want{"A": {step: "call", dueSince: "2025-03-22", channel: dunning.Phone}},
		},
		{
			name: "promise kept: paid before the promised date",
			ledger: ledger{customers: baseCustomers, invoices: "A1,A,2025-01-30,2025-03-01,1000.00,EUR,false,\n",
				payments: "P1,A,A1,2025-03-19,1000.00,transfer,\n"},
			actions: []dunning.NewAction{promise(t, "A", "2025-03-05", "2025-03-20")},
			asOf:    "2025-03-24",
			want:    map[string]want{"A": {}},
		},
		{
			name:    "B2C ladder has the 14-day letter",
			ledger:  ledger{customers: baseCustomers, invoices: "C1,C,2025-02-15,2025-03-01,1000.00,EUR,false,\n"},
			actions: []dunning.NewAction{stepAction(t, "C", "reminder", "2025-03-02")},
			asOf:    "2025-03-17",
			want:    map[string]want{"C": {step: "veertiendagenbrief", dueSince: "2025-03-17", channel: dunning.Letter}},
		},
		{
			name:    "below the minimum amount is not chased",
			ledger:  ledger{customers: baseCustomers, invoices: "A1,A,2025-01-30,2025-03-01,24.99,EUR,false,\n"},
			asOf:    "2025-03-20",
			want:    map[string]want{"A": {}},
			skipped: dunning.Skipped{BelowMinimum: 1},
		},
		{
			name:    "do-not-chase customer",
			ledger:  ledger{customers: "A,Alfa B.V.,NL,retail,b2b,30,,,,,true\n", invoices: "A1,A,2025-01-30,2025-03-01,1000.00,EUR,false,\n"},
			asOf:    "2025-03-20",
			want:    map[string]want{"A": {}},
			skipped: dunning.Skipped{DoNotChase: 1},
		},
		{
			name: "phone capacity defers the lower-priority call",
			ledger: ledger{customers: baseCustomers + "B,Bravo B.V.,NL,retail,b2b,30,,,,,\n",
				invoices: "A1,A,2025-01-30,2025-03-01,1000.00,EUR,false,\nB1,B,2025-01-30,2025-03-01,5000.00,EUR,false,\n"},
			actions: []dunning.NewAction{stepAction(t, "A", "second_reminder", "2025-03-15"), stepAction(t, "B", "second_reminder", "2025-03-15")},
			policy:  func(p *dunning.Policy) { p.CallCapacity = 1 },
			// The call waits for the second reminder's 7 days.
			asOf: "2025-03-23",
			want: map[string]want{
				"B": {step: "call", dueSince: "2025-03-23", channel: dunning.Phone},
				"A": {step: "call", dueSince: "2025-03-23", channel: dunning.Phone, deferred: true},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, w, got := worklistCase(t, tc.ledger, tc.actions, tc.policy, tc.asOf)
			for id, wt := range tc.want {
				task, ok := got[id]
				if wt.step == "" {
					if ok {
						t.Errorf("%s: got step %s (%s), want none", id, task.Step, task.Reason)
					}
					continue
				}
				if !ok {
					t.Errorf("%s: no task, want %s (skipped %+v)", id, wt.step, w.Skipped)
					continue
				}
				if task.Step != wt.step || task.DueSince.String() != wt.dueSince || task.Channel != wt.channel || task.Deferred != wt.deferred {
					t.Errorf("%s: got %s due since %s by %s deferred %v, want %s due since %s by %s deferred %v (%s)", id,
						task.Step, task.DueSince, task.Channel, task.Deferred, wt.step, wt.dueSince, wt.channel, wt.deferred, task.Reason)
				}
				if wt.deferred && !strings.Contains(task.Reason, "deferred") {
					t.Errorf("%s: reason %q does not say the call is deferred", id, task.Reason)
				}
			}
			if !reflect.DeepEqual(w.Skipped, tc.skipped) {
				t.Errorf("skipped %+v, want %+v", w.Skipped, tc.skipped)
			}
			for i := 1; i < len(w.Tasks); i++ {
				if w.Tasks[i].Priority > w.Tasks[i-1].Priority {
					t.Errorf("tasks not by priority: %v before %v", w.Tasks[i-1].Priority, w.Tasks[i].Priority)
				}
			}
		})
	}
}

// TestPlan runs the daily planning on a ledger with two calls due and room
// for one: the same day twice adds nothing; the next day the planned call
// (still not done) is not planned again, the deferred one is.
func TestPlan(t *testing.T) {
	db := loadLedger(t, ledger{customers: baseCustomers + "B,Bravo B.V.,NL,retail,b2b,30,,,,,\n",
		invoices: "A1,A,2025-01-30,2025-03-01,1000.00,EUR,false,\nB1,B,2025-01-30,2025-03-01,5000.00,EUR,false,\n"})
	record(t, db, stepAction(t, "A", "second_reminder", "2025-03-15"))
	record(t, db, stepAction(t, "B", "second_reminder", "2025-03-15"))
	p := dunning.DefaultPolicy()
	p.CallCapacity = 1
	now := func() time.Time { return time.Date(2025, 3, 23, 7, 0, 0, 0, time.UTC) }
	runs := []struct {
		day     string
		planned string // customer:step:deferred, in priority order
		already int
	}{
		{"2025-03-23", "B:call:false,A:call:true", 0},
		{"2025-03-23", "", 2},
		{"2025-03-24", "A:call:true", 1},
	}
	for _, r := range runs {
		res, err := dunning.Plan(context.Background(), db, day(t, r.day), dunning.Options{Policy: p}, now)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, task := range res.Planned {
			got = append(got, task.CustomerID+":"+task.Step+":"+strconv.FormatBool(task.Deferred))
		}
		if strings.Join(got, ",") != r.planned || res.AlreadyPlanned != r.already {
			t.Errorf("%s: planned %v, already %d; want %s, already %d", r.day, got, res.AlreadyPlanned, r.planned, r.already)
		}
	}
}
