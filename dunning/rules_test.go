package dunning_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/store"
)

// TestArrangement: customer A owes EUR 1,000.00 due 2025-03-01, had the
// friendly and the second reminder and agreed on 2025-03-20 to pay 300 on
// 1 April, 300 on 1 May and 400 on 1 June. With 3 days' grace a kept
// arrangement pauses the ladder; a missed instalment resumes it at the
// aanmaning (Policy.ArrangementBrokenStep), however late it is.
func TestArrangement(t *testing.T) {
	cases := []struct {
		name     string
		payments string
		asOf     string
		wantStep string // "" for no task
		dueSince string
		reason   string
	}{
		{name: "first instalment not yet due", asOf: "2025-03-25"},
		{name: "first instalment within grace", asOf: "2025-04-04"},
		{name: "first instalment missed", asOf: "2025-04-05", wantStep: "aanmaning", dueSince: "2025-04-05",
			reason: "instalment 1 of 3 (300.00 due 2025-04-01) of the arrangement of 2025-03-20 missed: paid 0.00 of 300.00 due"},
		{name: "first instalment kept", payments: "P1,A,A1,2025-03-31,300.00,transfer,\n", asOf: "2025-04-20"},
		{name: "paid late within grace", payments: "P1,A,A1,2025-04-03,300.00,transfer,\n", asOf: "2025-04-20"},
		{name: "second instalment missed", payments: "P1,A,A1,2025-03-31,300.00,transfer,\n", asOf: "2025-05-10", wantStep: "aanmaning", dueSince: "2025-05-05",
			reason: "instalment 2 of 3 (300.00 due 2025-05-01) of the arrangement of 2025-03-20 missed: paid 300.00 of 600.00 due"},
		{name: "second instalment short", payments: "P1,A,A1,2025-03-31,300.00,transfer,\nP2,A,A1,2025-05-01,250.00,transfer,\n", asOf: "2025-05-10",
			wantStep: "aanmaning", dueSince: "2025-05-05", reason: "instalment 2 of 3"},
		{name: "all kept so far", payments: "P1,A,A1,2025-03-31,300.00,transfer,\nP2,A,A1,2025-05-01,300.00,transfer,\n", asOf: "2025-05-20"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db := loadLedger(t, ledger{
				customers: "A,Alfa B.V.,NL,retail,b2b,30,,,,,\n",
				invoices:  "A1,A,2025-01-30,2025-03-01,1000.00,EUR,false,\n",
				payments:  tc.payments,
			})
			var a dunning.Action
			for _, na := range arrangementA(t) {
				a = record(t, db, na)
			}
			if a.PromiseDate.String() != "2025-06-01" || len(a.Instalments) != 3 {
				t.Fatalf("recorded %+v: want promise date 2025-06-01 and 3 instalments", a)
			}
			w, tasks := worklistOn(t, db, tc.asOf, dunning.DefaultPolicy())
			task, ok := expectTask(t, w, tasks, "A", tc.wantStep, "arrangement", func(s dunning.Skipped) int { return s.Arrangement })
			if !ok {
				return
			}
			if task.Step != tc.wantStep || task.DueSince.String() != tc.dueSince || !strings.Contains(task.Reason, tc.reason) {
				t.Errorf("task %s due since %s (%s), want %s due since %s with reason %q", task.Step, task.DueSince, task.Reason,
					tc.wantStep, tc.dueSince, tc.reason)
			}
		})
	}
}

// TestRecordArrangement checks the instalments of POST /api/actions: A owes
// EUR 1,000.00 overdue on 2025-03-20.
func TestRecordArrangement(t *testing.T) {
	i := func(d, amount string) dunning.Instalment {
		return dunning.Instalment{Date: day(t, d), Amount: money(t, amount)}
	}
	cases := []struct {
		name        string
		typ         dunning.ActionType
		instalments []dunning.Instalment
		wantErr     string // "" for success
	}{
		{name: "valid", typ: dunning.Arrangement, instalments: []dunning.Instalment{i("2025-04-01", "500.00"), i("2025-05-01", "500.00")}},
		{name: "not ascending", typ: dunning.Arrangement, instalments: []dunning.Instalment{i("2025-05-01", "500.00"), i("2025-04-01", "500.00")},
			wantErr: "instalments[1].date: 2025-04-01 is not after the previous instalment's 2025-05-01"},
		{name: "same date twice", typ: dunning.Arrangement, instalments: []dunning.Instalment{i("2025-04-01", "500.00"), i("2025-04-01", "500.00")},
			wantErr: "instalments[1].date"},
		{name: "before the action date", typ: dunning.Arrangement, instalments: []dunning.Instalment{i("2025-03-19", "500.00")},
			wantErr: "instalments[0].date: 2025-03-19 is before the action date 2025-03-20"},
		{name: "zero amount", typ: dunning.Arrangement, instalments: []dunning.Instalment{i("2025-04-01", "0.00")},
			wantErr: "instalments[0].amount: must be above 0"},
		{name: "more than overdue", typ: dunning.Arrangement, instalments: []dunning.Instalment{i("2025-04-01", "600.00"), i("2025-05-01", "400.01")},
			wantErr: "instalments: sum 1000.01 is more than the 1000.00 overdue"},
		{name: "not an arrangement", typ: dunning.PromiseToPay, instalments: []dunning.Instalment{i("2025-04-01", "500.00")},
			wantErr: "instalments: only an arrangement has instalments"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db := loadLedger(t, ledger{
				customers: "A,Alfa B.V.,NL,retail,b2b,30,,,,,\n",
				invoices:  "A1,A,2025-01-30,2025-03-01,1000.00,EUR,false,\n",
			})
			a := dunning.NewAction{CustomerID: "A", Type: tc.typ, ActionDate: day(t, "2025-03-20"), PromiseDate: day(t, "2025-05-01"),
				Instalments: tc.instalments}
			got, err := dunning.RecordAction(context.Background(), db, dunning.DefaultPolicy(), a, "test", day(t, "2025-03-20").Add(10*time.Hour))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				var n int
				if err := db.QueryRow(`SELECT count(*) FROM dunning_instalments`).Scan(&n); err != nil || n != 0 {
					t.Errorf("%d instalments stored (%v), want none", n, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Instalments, tc.instalments) {
				t.Errorf("instalments %+v, want %+v", got.Instalments, tc.instalments)
			}
			var n int
			var total creditflow.Money
			if err := db.QueryRow(`SELECT count(*), sum(amount) FROM dunning_instalments WHERE action_id = ?`, got.ID).Scan(&n, store.Money(&total)); err != nil {
				t.Fatal(err)
			}
			if n != 2 || total != money(t, "1000.00") {
				t.Errorf("stored %d instalments of %s, want 2 of 1000.00", n, total)
			}
			acts, err := dunning.Actions(context.Background(), db, "A")
			if err != nil || len(acts) != 1 || !reflect.DeepEqual(acts[0].Instalments, tc.instalments) {
				t.Errorf("Actions = %+v, %v; want the arrangement with its instalments", acts, err)
			}
		})
	}
	t.Run("parse", func(t *testing.T) {
		a, err := dunning.ParseNewAction([]byte(`{"customer_id":"A","type":"arrangement","instalments":[{"date":"2025-04-01","amount":"500.00"}]}`))
		if err != nil || len(a.Instalments) != 1 || a.Instalments[0].Amount != money(t, "500.00") {
			t.Fatalf("parsed %+v, %v", a, err)
		}
	})
}

// TestLegalGating: A (business) and C (consumer) each owe EUR 1,000.00 due
// on 2025-03-01 (a Saturday).
func TestLegalGating(t *testing.T) {
	cases := []struct {
		name     string
		customer string
		actions  []dunning.NewAction
		asOf     string
		wantStep string // "" for no task
		// wantCosts are the collection costs that may be claimed on
		// asOf: the claim's costs once they are due, else 0.
		wantCosts string
		reason    string
	}{
		{name: "consumer reminder has no costs", customer: "C", asOf: "2025-03-02", wantStep: "reminder", wantCosts: "0.00"},
		{name: "consumer 14-day letter has no costs", customer: "C", asOf: "2025-03-15", wantStep: "veertiendagenbrief", wantCosts: "0.00"},
		{name: "consumer catch-up does not skip the 14-day letter", customer: "C", asOf: "2025-04-30", wantStep: "veertiendagenbrief", wantCosts: "0.00",
			reason: "the veertiendagenbrief is required before handover"},
		{name: "consumer catch-up after the reminder", customer: "C", actions: []dunning.NewAction{stepAction(t, "C", "reminder", "2025-03-02")},
			asOf: "2025-04-10", wantStep: "veertiendagenbrief", wantCosts: "0.00", reason: "before aanmaning"},
		// Sent 21 March, received 23 March: the 14 days run until 6 April.
		{name: "consumer 14-day letter not run out", customer: "C",
			actions: []dunning.NewAction{{CustomerID: "C", Type: dunning.LetterSent, Step: "veertiendagenbrief", ActionDate: day(t, "2025-03-21")}},
			asOf:    "2025-04-06"},
		{name: "consumer 14-day letter run out", customer: "C",
			actions: []dunning.NewAction{{CustomerID: "C", Type: dunning.LetterSent, Step: "veertiendagenbrief", ActionDate: day(t, "2025-03-21")}},
			asOf:    "2025-04-07", wantStep: "aanmaning", wantCosts: "150.00"},
		// The aanmaning is not required: catch-up may go straight to the
		// ingebrekestelling, but never past it.
		{name: "business catch-up proposes the ingebrekestelling", customer: "A", asOf: "2025-04-25", wantStep: "ingebrekestelling", wantCosts: "0.00",
			reason: "caught up past friendly_reminder, second_reminder, call, aanmaning, last_call"},
		{name: "business catch-up before the hand-over", customer: "A", asOf: "2025-05-10", wantStep: "ingebrekestelling", wantCosts: "0.00",
			reason: "the ingebrekestelling is required before handover"},
		{name: "business ingebrekestelling after the aanmaning", customer: "A",
			actions: []dunning.NewAction{{CustomerID: "A", Type: dunning.LetterSent, Step: "aanmaning", ActionDate: day(t, "2025-03-31")}},
			asOf:    "2025-04-25", wantStep: "ingebrekestelling", wantCosts: "150.00"},
		{name: "business costs before the aanmaning", customer: "A", asOf: "2025-03-02", wantStep: "friendly_reminder", wantCosts: "0.00"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := ledger{customers: baseCustomers, invoices: invoiceA1 + "C1,C,2025-02-15,2025-03-01,1000.00,EUR,false,\n"}
			_, _, w, tasks := worklistCase(t, l, tc.actions, nil, tc.asOf)
			task, ok := expectTask(t, w, tasks, tc.customer, tc.wantStep, "not yet due", func(s dunning.Skipped) int { return s.NotYetDue })
			if !ok {
				return
			}
			due := task.Costs
			if !task.CostsDue {
				due = 0
			}
			if task.Step != tc.wantStep || due.String() != tc.wantCosts || !strings.Contains(task.Reason, tc.reason) {
				t.Errorf("task %s with costs due %s (%s), want %s with costs %s, reason %q", task.Step, due, task.Reason,
					tc.wantStep, tc.wantCosts, tc.reason)
			}
		})
	}
}

// TestCustomerOverrides reads the overrides from the customers file's extra
// columns. Every customer owes EUR 1,000.00 due 2025-03-01.
func TestCustomerOverrides(t *testing.T) {
	header := "customer_id,name,country,segment,kind,payment_terms_days,credit_limit,registration_id,email,phone," +
		"dunning_ladder,preferred_contact_day,do_not_chase,do_not_chase_reason\n"
	customers := `
G,Gentle B.V.,NL,retail,b2b,30,,,,,gentle,,,
K,Kleine Zaak,NL,retail,b2b,30,,,,,b2c,,,
U,Unknown Ladder B.V.,NL,retail,b2b,30,,,,,nope,,,
W,Woensdag B.V.,NL,retail,b2b,30,,,,,,Wednesday,,
X,Xylo B.V.,NL,retail,b2b,30,,,,,,someday,,
N,Nood B.V.,NL,retail,b2b,30,,,,,,,yes,in bankruptcy
O,Other B.V.,NL,retail,b2b,30,,,,,,,yes,
`
	var invoices strings.Builder
	for _, id := range []string{"G", "K", "U", "W", "X", "N", "O"} {
		invoices.WriteString(id + "1," + id + ",2025-01-30,2025-03-01,1000.00,EUR,false,\n")
	}
	db := loadLedgerHeader(t, header, ledger{customers: customers, invoices: invoices.String()})
	for _, id := range []string{"W", "X"} {
		record(t, db, stepAction(t, id, "friendly_reminder", "2025-03-02"))
		record(t, db, stepAction(t, id, "second_reminder", "2025-03-15"))
	}
	p := dunning.DefaultPolicy()
	p.Ladders = map[string][]dunning.Step{"gentle": {
		{Name: "gentle_reminder", Trigger: dunning.Trigger{DaysPastDue: 7}, Channel: dunning.Email, Template: "b2b_friendly_reminder", Effect: 0.2, Cost: 50},
		{Name: "gentle_call", Trigger: dunning.Trigger{DaysPastDue: 30}, Channel: dunning.Phone, Template: "b2b_call_script", Effect: 0.4, Cost: 800},
	}}
	cases := []struct {
		name, asOf, customer, wantStep string
		deferred                       bool
		reason                         string
	}{
		{name: "named custom ladder", asOf: "2025-03-10", customer: "G", wantStep: "gentle_reminder"},
		{name: "b2c ladder for a business", asOf: "2025-03-10", customer: "K", wantStep: "reminder"},
		{name: "unknown ladder falls back", asOf: "2025-03-10", customer: "U", wantStep: "friendly_reminder",
			reason: `dunning_ladder "nope" is not a ladder of the policy, the b2b ladder is used`},
		// 25 March 2025 is a Tuesday.
		{name: "call on another day than the preferred", asOf: "2025-03-25", customer: "W", wantStep: "call", deferred: true,
			reason: "call deferred to the customer's preferred contact day, wednesday 2025-03-26"},
		{name: "call on the preferred day", asOf: "2025-03-26", customer: "W", wantStep: "call"},
		{name: "unknown contact day ignored", asOf: "2025-03-25", customer: "X", wantStep: "call",
			reason: `preferred_contact_day "someday" is not a weekday`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, tasks := worklistOn(t, db, tc.asOf, p)
			task, ok := tasks[tc.customer]
			if !ok {
				t.Fatalf("no task, want %s", tc.wantStep)
			}
			if task.Step != tc.wantStep || task.Deferred != tc.deferred || !strings.Contains(task.Reason, tc.reason) {
				t.Errorf("task %s deferred %v (%s), want %s deferred %v, reason %q", task.Step, task.Deferred, task.Reason,
					tc.wantStep, tc.deferred, tc.reason)
			}
		})
	}
	t.Run("do not chase with reason", func(t *testing.T) {
		w, tasks := worklistOn(t, db, "2025-03-10", p)
		if _, ok := tasks["N"]; ok {
			t.Error("task for do-not-chase customer N")
		}
		if w.Skipped.DoNotChase != 2 || !reflect.DeepEqual(w.Skipped.DoNotChaseReasons, map[string]int{"in bankruptcy": 1}) {
			t.Errorf("skipped %+v, want 2 do not chase, 1 in bankruptcy", w.Skipped)
		}
	})
	t.Run("deferred call not counted against capacity", func(t *testing.T) {
		w, _ := worklistOn(t, db, "2025-03-25", p)
		if w.CallsDeferred != 1 {
			t.Errorf("calls deferred %d, want 1 (W)", w.CallsDeferred)
		}
	})
}

// TestThankYou: A paid its EUR 1,000.00 on 2025-03-10 after the friendly
// reminder of 2025-03-02; B paid half.
func TestThankYou(t *testing.T) {
	on := dunning.DefaultPolicy()
	on.ThankYou = true
	cases := []struct {
		name    string
		policy  dunning.Policy
		thanked string // date of a recorded thank-you, "" for none
		asOf    string
		want    bool
	}{
		{name: "off by default", policy: dunning.DefaultPolicy(), asOf: "2025-03-12"},
		{name: "on", policy: on, asOf: "2025-03-12", want: true},
		{name: "once per cycle", policy: on, thanked: "2025-03-12", asOf: "2025-03-13"},
		{name: "payment too long ago", policy: on, asOf: "2025-04-30"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db := loadLedger(t, ledger{
				customers: baseCustomers + "B,Bravo B.V.,NL,retail,b2b,30,,,,,\n",
				invoices:  "A1,A,2025-01-30,2025-03-01,1000.00,EUR,false,\nB1,B,2025-01-30,2025-03-01,1000.00,EUR,false,\n",
				payments:  "P1,A,A1,2025-03-10,1000.00,transfer,\nP2,B,B1,2025-03-10,500.00,transfer,\n",
			})
			record(t, db, stepAction(t, "A", "friendly_reminder", "2025-03-02"))
			record(t, db, stepAction(t, "B", "friendly_reminder", "2025-03-02"))
			if tc.thanked != "" {
				a := dunning.NewAction{CustomerID: "A", Type: dunning.ReminderSent, Step: dunning.ThankYouStep, ActionDate: day(t, tc.thanked)}
				if _, err := dunning.RecordAction(context.Background(), db, on, a, "test", day(t, tc.thanked).Add(10*time.Hour)); err != nil {
					t.Fatal(err)
				}
			}
			_, tasks := worklistOn(t, db, tc.asOf, tc.policy)
			task, ok := tasks["A"]
			if ok != tc.want {
				t.Fatalf("thank-you task %v (%+v), want %v", ok, task, tc.want)
			}
			if ok && (task.Step != dunning.ThankYouStep || !task.Optional || task.Channel != dunning.Email ||
				!strings.Contains(task.Reason, "paid on 2025-03-10 after the last step friendly_reminder on 2025-03-02")) {
				t.Errorf("task %+v", task)
			}
			if b, ok := tasks["B"]; ok && b.Step == dunning.ThankYouStep {
				t.Errorf("thank-you for B, who still has 500.00 overdue")
			}
		})
	}
}

// TestPlanThankYou plans the thank-you once.
func TestPlanThankYou(t *testing.T) {
	db := loadLedger(t, ledger{
		customers: baseCustomers,
		invoices:  "A1,A,2025-01-30,2025-03-01,1000.00,EUR,false,\n",
		payments:  "P1,A,A1,2025-03-10,1000.00,transfer,\n",
	})
	record(t, db, stepAction(t, "A", "friendly_reminder", "2025-03-02"))
	p := dunning.DefaultPolicy()
	p.ThankYou = true
	for _, tc := range []struct {
		asOf          string
		planned, done int
	}{{"2025-03-12", 1, 0}, {"2025-03-12", 0, 1}, {"2025-03-13", 0, 1}} {
		res, err := dunning.Plan(context.Background(), db, day(t, tc.asOf), dunning.Options{Policy: p}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Planned) != tc.planned || res.AlreadyPlanned != tc.done {
			t.Errorf("plan %s: planned %+v, already %d; want %d, %d", tc.asOf, res.Planned, res.AlreadyPlanned, tc.planned, tc.done)
		}
		if len(res.Planned) == 1 && res.Planned[0].Step != dunning.ThankYouStep {
			t.Errorf("planned %s, want %s", res.Planned[0].Step, dunning.ThankYouStep)
		}
	}
}
