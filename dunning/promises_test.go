package dunning_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/dunning"
)

// manyInvoices is M's ledger: 13 overdue invoices, due weekly from
// 2025-01-05, of 400.00, 500.00, 300.00 and 100.00 (together 1,300.00),
// then nine of 47,000.00 and more (425,433.21 in all). A promise of
// 1234.56 covers the first three (1200.00): the fourth would take it to
// 1,300.00.
func manyInvoices(payments string) ledger {
	amounts := []string{"400.00", "500.00", "300.00", "100.00",
		"47000.00", "47000.00", "47000.00", "47000.00", "47000.00", "47000.00", "47000.00", "47000.00", "48133.21"}
	first, _ := creditflow.ParseDate("2025-01-05")
	var inv strings.Builder
	for k, a := range amounts {
		due := first.AddDays(7 * k)
		fmt.Fprintf(&inv, "M%02d,M,%s,%s,%s,EUR,false,\n", k+1, due.AddDays(-30), due, a)
	}
	return ledger{customers: "M,Many B.V.,NL,retail,b2b,30,,,,,\n", invoices: inv.String(), payments: payments}
}

// mTotal is what M owes in all.
const mTotal = "425433.21"

// TestPromiseCoversOldestInvoices checks that a promise with an amount
// takes only the oldest invoices it pays in full off the ladder, and that
// the rest stays on it with its own amount, count and oldest due date.
func TestPromiseCoversOldestInvoices(t *testing.T) {
	const made, by = "2025-04-10", "2025-04-20" // grace until 2025-04-23
	cases := []struct {
		name     string
		amount   string // "" for none
		payments string
		asOf     string
		// wantInvoices is 0 for no task (skipped as promised).
		wantInvoices int
		wantAmount   string // the task's amount overdue
		wantOldest   string
		wantReason   string
	}{
		{name: "without an amount the customer pauses whole", asOf: "2025-04-15"},
		{name: "1234.56 covers the three oldest", amount: "1234.56", asOf: "2025-04-15",
			wantInvoices: 10, wantAmount: "424233.21", wantOldest: "2025-01-26",
			wantReason: "promise of 2025-04-10 to pay 1234.56 by 2025-04-20 covers 3 invoices (1200.00), paused until 2025-04-23"},
		{name: "an amount below the oldest invoice covers nothing", amount: "399.99", asOf: "2025-04-15",
			wantInvoices: 13, wantAmount: mTotal, wantOldest: "2025-01-05", wantReason: "covers 0 invoices"},
		{name: "an amount of everything pauses the customer", amount: mTotal, asOf: "2025-04-15"},
		{name: "what was paid towards it is no longer to pay", amount: "1234.56", asOf: "2025-04-15",
			// M01 paid: 834.56 is left, which covers M02 and M03 (800.00).
			payments:     "Y1,M,M01,2025-04-12,400.00,transfer,M01\n",
			wantInvoices: 10, wantAmount: "424233.21", wantOldest: "2025-01-26", wantReason: "; 400.00 paid towards it"},
		{name: "on the last day of grace it still pauses", amount: "1234.56", asOf: "2025-04-23",
			wantInvoices: 10, wantAmount: "424233.21", wantOldest: "2025-01-26", wantReason: "covers 3 invoices"},
		{name: "after the grace a broken promise covers nothing", amount: "1234.56", asOf: "2025-04-24",
			wantInvoices: 13, wantAmount: mTotal, wantOldest: "2025-01-05",
			wantReason: "promise to pay 1234.56 by 2025-04-20 broken: 0.00 paid by 2025-04-23"},
		{name: "after the grace a kept promise is said to be kept", amount: "1234.56", asOf: "2025-04-24",
			// M01 to M03 paid, and 34.56 of M04: M04 to M13 are left.
			payments: "Y1,M,M01,2025-04-18,400.00,transfer,M01\nY2,M,M02,2025-04-18,500.00,transfer,M02\n" +
				"Y3,M,M03,2025-04-23,300.00,transfer,M03\nY4,M,M04,2025-04-23,34.56,transfer,M04\n",
			wantInvoices: 10, wantAmount: "424198.65", wantOldest: "2025-01-26",
			wantReason: "promise to pay 1234.56 by 2025-04-20 kept"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := promise(t, "M", made, by)
			if c.amount != "" {
				m := money(t, c.amount)
				a.Amount = &m
			}
			_, _, w, tasks := worklistCase(t, manyInvoices(c.payments), []dunning.NewAction{a}, nil, c.asOf)
			if c.wantInvoices == 0 {
				expectTask(t, w, tasks, "M", "", "promised", func(s dunning.Skipped) int { return s.Promised })
				return
			}
			task, _ := expectTask(t, w, tasks, "M", "any", "", nil)
			if task.Invoices != c.wantInvoices || task.AmountOverdue != money(t, c.wantAmount) || task.OldestDue.String() != c.wantOldest {
				t.Errorf("task covers %d invoices, %s, oldest due %s; want %d, %s, %s",
					task.Invoices, task.AmountOverdue, task.OldestDue, c.wantInvoices, c.wantAmount, c.wantOldest)
			}
			if !strings.Contains(task.Reason, c.wantReason) {
				t.Errorf("reason %q, want it to contain %q", task.Reason, c.wantReason)
			}
		})
	}
}

// TestPromiseKeptOrBroken judges promises with an amount in the dossier by
// the customer's payments from the day the promise was made to the end of
// its grace, whichever invoices they went to.
func TestPromiseKeptOrBroken(t *testing.T) {
	cases := []struct {
		name     string
		payments string
		asOf     string
		want     dunning.EntryKind
		wantText string
	}{
		{"paid in two parts in time", "Y1,M,M01,2025-04-12,400.00,transfer,M01\nY2,M,M05,2025-04-22,900.00,transfer,M05\n",
			"2025-05-01", dunning.PromiseKept,
			"The promise of 2025-04-10 to pay 1234.56 by 2025-04-20 was kept: paid on 2025-04-22."},
		{"no payment", "", "2025-05-01", dunning.PromiseBroken,
			"The promise of 2025-04-10 to pay 1234.56 by 2025-04-20 was broken: 0.00 of 1234.56 paid by 2025-04-23 (3 days' grace)."},
		{"too little", "Y1,M,M01,2025-04-12,400.00,transfer,M01\n", "2025-05-01", dunning.PromiseBroken,
			"was broken: 400.00 of 1234.56 paid by 2025-04-23"},
		{"paid after the grace", "Y1,M,M01,2025-04-24,400.00,transfer,M01\n", "2025-05-01", dunning.PromiseBroken,
			"was broken: 0.00 of 1234.56 paid"},
		{"paid before the promise", "Y1,M,M01,2025-04-09,400.00,transfer,M01\n", "2025-05-01", dunning.PromiseBroken,
			"was broken: 0.00 of 1234.56 paid"},
		{"pending within the grace", "", "2025-04-23", dunning.PromisePending, "pending until 2025-04-23"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db := loadLedger(t, manyInvoices(c.payments))
			a := promise(t, "M", "2025-04-10", "2025-04-20")
			m := money(t, "1234.56")
			a.Amount = &m
			rec := record(t, db, a)
			d, err := dunning.CustomerDossier(context.Background(), db, "M", day(t, c.asOf), dunning.DefaultPolicy())
			if err != nil {
				t.Fatal(err)
			}
			var got []dunning.Entry
			for _, e := range d.Entries {
				if e.ActionID != nil && *e.ActionID == rec.ID && e.Kind != dunning.EntryKind(dunning.PromiseToPay) {
					got = append(got, e)
				}
			}
			if len(got) != 1 || got[0].Kind != c.want || !strings.Contains(got[0].Text, c.wantText) {
				t.Fatalf("outcome %+v, want one %s saying %q", got, c.want, c.wantText)
			}
		})
	}
}

// TestPromiseAmountMoney guards the test ledger's arithmetic.
func TestPromiseAmountMoney(t *testing.T) {
	var sum creditflow.Money
	for _, r := range strings.Split(strings.TrimSpace(manyInvoices("").invoices), "\n") {
		f := strings.Split(r, ",")
		sum += money(t, f[4])
	}
	if sum != money(t, mTotal) {
		t.Errorf("M owes %s, want %s", sum, mTotal)
	}
}
