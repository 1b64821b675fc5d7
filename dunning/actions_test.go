package dunning_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/dunning"
)

// TestRecordAction stores actions and reads them back.
func TestRecordAction(t *testing.T) {
	db := loadLedger(t, ledger{customers: baseCustomers,
		invoices: "A1,A,2025-01-30,2025-03-01,1000.00,EUR,false,\nA2,A,2025-02-20,2025-03-20,200.00,EUR,false,\nC1,C,2025-02-15,2025-03-01,300.00,EUR,false,\n"})
	ctx := context.Background()
	now := time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)
	p := dunning.DefaultPolicy()
	amount := creditflow.Money(50000)
	a, err := dunning.RecordAction(ctx, db, p, dunning.NewAction{CustomerID: "A", Type: dunning.PromiseToPay,
		PromiseDate: creditflow.NewDate(now.AddDate(0, 0, 7)), Amount: &amount, Note: "pays half"}, "anna", now)
	if err != nil {
		t.Fatal(err)
	}
	// Default invoices: the overdue ones on the action date (A2 is not due yet).
	if a.ActionDate.String() != "2025-03-10" || strings.Join(a.InvoiceIDs, ",") != "A1" || a.CreatedBy != "anna" {
		t.Errorf("stored %+v", a)
	}
	got, err := dunning.Actions(ctx, db, "A")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != a.ID || got[0].Amount == nil || *got[0].Amount != amount ||
		got[0].PromiseDate.String() != "2025-03-17" || got[0].Note != "pays half" || strings.Join(got[0].InvoiceIDs, ",") != "A1" {
		t.Errorf("read back %+v", got)
	}

	bad := []struct {
		name  string
		a     dunning.NewAction
		field string
	}{
		{"no customer", dunning.NewAction{Type: dunning.Note}, "customer_id"},
		{"unknown customer", dunning.NewAction{CustomerID: "Z", Type: dunning.Note}, "customer_id"},
		{"bad type", dunning.NewAction{CustomerID: "A", Type: "shout"}, "type"},
		{"other customer's invoice", dunning.NewAction{CustomerID: "A", Type: dunning.Dispute, InvoiceIDs: []string{"C1"}, Reason: "goods damaged"}, "invoice_ids"},
		{"repeated invoice", dunning.NewAction{CustomerID: "A", Type: dunning.Dispute, InvoiceIDs: []string{"A1", "A1"}, Reason: "goods damaged"}, "invoice_ids"},
		{"promise in the past", dunning.NewAction{CustomerID: "A", Type: dunning.PromiseToPay, PromiseDate: creditflow.NewDate(now.AddDate(0, 0, -1))}, "promise_date"},
		{"long note", dunning.NewAction{CustomerID: "A", Type: dunning.Note, Note: strings.Repeat("x", dunning.MaxNoteLength+1)}, "note"},
		{"dispute without reason", dunning.NewAction{CustomerID: "A", Type: dunning.Dispute, InvoiceIDs: []string{"A1"}}, "reason"},
		{"dispute with a blank reason", dunning.NewAction{CustomerID: "A", Type: dunning.Dispute, InvoiceIDs: []string{"A1"}, Reason: "  "}, "reason"},
		{"long reason", dunning.NewAction{CustomerID: "A", Type: dunning.Dispute, InvoiceIDs: []string{"A1"}, Reason: strings.Repeat("x", dunning.MaxNoteLength+1)}, "reason"},
		{"long owner", dunning.NewAction{CustomerID: "A", Type: dunning.Dispute, InvoiceIDs: []string{"A1"}, Reason: "price", Owner: strings.Repeat("x", dunning.MaxOwnerLength+1)}, "owner"},
		{"reason of a call", dunning.NewAction{CustomerID: "A", Type: dunning.Call, Reason: "price"}, "reason"},
		{"owner of a note", dunning.NewAction{CustomerID: "A", Type: dunning.Note, Owner: "bob"}, "owner"},
		{"reason of a promise", dunning.NewAction{CustomerID: "A", Type: dunning.PromiseToPay, PromiseDate: creditflow.NewDate(now), Reason: "price"}, "reason"},
	}
	for _, b := range bad {
		_, err := dunning.RecordAction(ctx, db, p, b.a, "anna", now)
		if err == nil || !strings.Contains(err.Error(), b.field) {
			t.Errorf("%s: error %v, want one naming %s", b.name, err, b.field)
		}
	}
}

// TestParseNewAction names the field of a value that does not parse.
func TestParseNewAction(t *testing.T) {
	cases := []struct{ body, field string }{
		{`{"customer_id": 5}`, "customer_id"},
		{`{"date": "1 March"}`, "date"},
		{`{"amount": "abc"}`, "amount"},
		{`{"invoice_ids": "A1"}`, "invoice_ids"},
		{`{"who": "me"}`, "who"},
		{`[1]`, "body"},
	}
	for _, c := range cases {
		_, err := dunning.ParseNewAction([]byte(c.body))
		if err == nil || !strings.Contains(err.Error(), c.field) {
			t.Errorf("%s: error %v, want one naming %s", c.body, err, c.field)
		}
	}
	a, err := dunning.ParseNewAction([]byte(`{"customer_id":"A","type":"call","date":"2025-03-01","amount":12.5,"step":"call"}`))
	if err != nil || a.CustomerID != "A" || a.Type != dunning.Call || a.Amount == nil || *a.Amount != 1250 {
		t.Errorf("parsed %+v, %v", a, err)
	}
}

// TestLearnEffects plants outcomes: 40 customers got the friendly reminder
// on 2025-03-02 and 30 of them paid within 14 days. With m = 30 the learned
// effect is (30 + 30 × 0.30) / (40 + 30) = 0.5571; with 20 customers (fewer
// than 30 outcomes) the prior stays.
func TestLearnEffects(t *testing.T) {
	for _, tc := range []struct {
		customers, paid int
		want            float64 // 0: not learned
	}{
		{40, 30, (30 + 30*0.30) / 70},
		{20, 15, 0},
	} {
		t.Run(fmt.Sprint(tc.customers), func(t *testing.T) {
			var l ledger
			var cust, inv, pay strings.Builder
			for i := range tc.customers {
				fmt.Fprintf(&cust, "K%02d,Klant %d,NL,retail,b2b,30,,,,,\n", i, i)
				fmt.Fprintf(&inv, "I%02d,K%02d,2025-01-30,2025-03-01,100.00,EUR,false,\n", i, i)
				if i < tc.paid {
					fmt.Fprintf(&pay, "P%02d,K%02d,I%02d,2025-03-10,100.00,transfer,\n", i, i, i)
				}
			}
			l.customers, l.invoices, l.payments = cust.String(), inv.String(), pay.String()
			db := loadLedger(t, l)
			for i := range tc.customers {
				record(t, db, stepAction(t, fmt.Sprintf("K%02d", i), "friendly_reminder", "2025-03-02"))
			}
			p := dunning.DefaultPolicy()
			// Before the window has passed there are no outcomes.
			early, err := dunning.LearnEffects(context.Background(), db, day(t, "2025-03-10"), p)
			if err != nil || len(early) != 0 {
				t.Errorf("on 2025-03-10: %v, %v; want no outcomes yet", early, err)
			}
			effects, err := dunning.LearnEffects(context.Background(), db, day(t, "2025-04-01"), p)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := effects["friendly_reminder"]
			if tc.want == 0 {
				if ok {
					t.Errorf("learned %v from %d outcomes, want the prior", got, tc.customers)
				}
				return
			}
			if !ok || math.Abs(got-tc.want) > 1e-9 {
				t.Errorf("learned %v (%v), want %v", got, ok, tc.want)
			}
		})
	}
}

// TestWorklistCharges checks the interest, the costs and the priority of a
// task against the legal calculations and the formula.
func TestWorklistCharges(t *testing.T) {
	db := loadLedger(t, ledger{customers: baseCustomers,
		invoices: "A1,A,2025-01-30,2025-03-01,1000.00,EUR,false,\nA2,A,2025-02-01,2025-03-03,1000.00,EUR,false,\n"})
	asOf := day(t, "2025-04-02")
	p := dunning.DefaultPolicy()
	w, err := dunning.ComputeWorklist(context.Background(), db, asOf, dunning.Options{Policy: p,
		Risk: func(id string) (float64, bool) { return 0.6, id == "A" }})
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Tasks) != 1 {
		t.Fatalf("tasks %+v", w.Tasks)
	}
	task := w.Tasks[0]
	rates, err := dunning.DefaultRates()
	if err != nil {
		t.Fatal(err)
	}
	// The amount-weighted mean due date of A1 and A2 is 2025-03-02.
	ic, err := dunning.StatutoryInterest(200000, day(t, "2025-03-02"), asOf, creditflow.B2B, rates)
	if err != nil {
		t.Fatal(err)
	}
	cc, err := dunning.CollectionCosts(200000, creditflow.B2B)
	if err != nil {
		t.Fatal(err)
	}
	if task.Step != "aanmaning" || task.Invoices != 2 || task.AmountOverdue != 200000 || task.Interest != ic.Interest || task.Costs != cc.Amount || task.Interest <= 0 {
		t.Errorf("task %+v; want aanmaning of 2 invoices, 2000.00, interest %s, costs %s", task, ic.Interest, cc.Amount)
	}
	// 2000 × 0.6 × 0.35 − 2.00
	if task.RiskWeight != 0.6 || task.Effect != 0.35 || task.Priority != 418 {
		t.Errorf("priority %v (weight %v, effect %v), want 418", task.Priority, task.RiskWeight, task.Effect)
	}
}
