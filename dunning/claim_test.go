package dunning_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/dunning"
)

// The claims of these tests were calculated by hand: interest is
// principal × rate × days / 365 per period, rounded to the cent; the
// WIK scale is 15% of the first 2,500, 10% of the next 2,500.
func TestClaimArticle644(t *testing.T) {
	l := ledger{
		customers: baseCustomers,
		invoices: `
A1,A,2025-01-01,2025-01-31,3000.00,EUR,false,
A2,A,2025-01-05,2025-02-04,500.00,EUR,true,
C1,C,2025-02-15,2025-03-01,1000.00,EUR,false,
`,
		payments: `
PA,A,A1,2025-04-01,1000.00,bank,
PC,C,C1,2025-04-10,200.00,bank,
`,
	}
	db := loadLedger(t, l)
	// A's aanmaning announces costs with a term of 14 days: claimed from
	// 18 March. C's 14-day letter, received 2 days after 15 March, ran
	// out on 31 March: claimed from 1 April.
	record(t, db, dunning.NewAction{CustomerID: "A", Type: dunning.LetterSent, Step: "aanmaning", ActionDate: day(t, "2025-03-03")})
	record(t, db, dunning.NewAction{CustomerID: "C", Type: dunning.LetterSent, Step: "veertiendagenbrief", ActionDate: day(t, "2025-03-15")})

	tests := []struct {
		name, customer, asOf string
		claimedSince         string
		// The payment's application: costs, interest, principal.
		appCosts, appInterest, appPrincipal string
		principal, interest, costs, total   string
		disputed                            string
	}{
		{
			// Handelsrente 11.15%: 1 Feb – 1 Apr, 60 days on 3,000 =
			// 54.99. Costs on 3,000: 375 + 50 = 425. The 1,000 pays
			// 425 costs, 54.99 interest and 520.01 principal; then 2 – 30
			// Apr, 29 days on 2,479.99 = 21.97.
			name: "business", customer: "A", asOf: "2025-04-30", claimedSince: "2025-03-18",
			appCosts: "425.00", appInterest: "54.99", appPrincipal: "520.01",
			principal: "2479.99", interest: "21.97", costs: "0.00", total: "2501.96", disputed: "500.00",
		},
		{
			// Wettelijke rente 6%: 2 Mar – 10 Apr, 40 days on 1,000 =
			// 6.58. Costs 15% of 1,000 = 150. The 200 pays 150 costs,
			// 6.58 interest, 43.42 principal; then 11 Apr – 1 May, 21
			// days on 956.58 = 3.30.
			name: "consumer", customer: "C", asOf: "2025-05-01", claimedSince: "2025-04-01",
			appCosts: "150.00", appInterest: "6.58", appPrincipal: "43.42",
			principal: "956.58", interest: "3.30", costs: "0.00", total: "959.88", disputed: "0.00",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := dunning.CustomerClaim(context.Background(), db, tt.customer, day(t, tt.asOf), dunning.ClaimOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if c.Error != "" {
				t.Fatalf("claim error %s", c.Error)
			}
			if got := c.ClaimedSince.String(); got != tt.claimedSince {
				t.Errorf("claimed since %s, want %s", got, tt.claimedSince)
			}
			if len(c.Applications) != 1 {
				t.Fatalf("applications %+v, want 1", c.Applications)
			}
			a := c.Applications[0]
			for _, f := range []struct {
				what string
				got  creditflow.Money
				want string
			}{
				{"applied to costs", a.Costs, tt.appCosts}, {"applied to interest", a.Interest, tt.appInterest},
				{"applied to principal", a.Principal, tt.appPrincipal},
				{"principal", c.Principal, tt.principal}, {"interest", c.Interest, tt.interest},
				{"costs", c.Costs, tt.costs}, {"total", c.Total, tt.total}, {"disputed", c.DisputedAmount, tt.disputed},
			} {
				if f.got != money(t, f.want) {
					t.Errorf("%s %s, want %s", f.what, f.got, f.want)
				}
			}
			if !c.CostsDue {
				t.Errorf("costs not due after %s", c.ClaimedSince)
			}
			for _, l := range c.Lines {
				if l.Disputed {
					t.Errorf("disputed invoice %s among the claimed lines", l.InvoiceID)
				}
			}
		})
	}
}

// Before costs or interest are claimed, a payment goes to the principal as
// the ledger booked it, and the interest accrued on the paid part stays
// owed.
func TestClaimBeforeClaiming(t *testing.T) {
	db := loadLedger(t, ledger{
		customers: baseCustomers,
		invoices:  "A1,A,2025-01-01,2025-01-31,3000.00,EUR,false,\n",
		payments:  "PA,A,A1,2025-04-01,1000.00,bank,\n",
	})
	c, err := dunning.CustomerClaim(context.Background(), db, "A", day(t, "2025-04-30"), dunning.ClaimOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// 54.99 on 3,000 up to 1 April (as above), then 29 days on 2,000 at
	// 11.15% = 17.72. Costs over 2,000 (not yet claimed): 300.
	if c.Principal != money(t, "2000.00") || c.Interest != money(t, "72.71") || c.Costs != money(t, "300.00") || c.CostsDue {
		t.Errorf("claim principal %s interest %s costs %s due %v, want 2000.00, 72.71, 300.00, false",
			c.Principal, c.Interest, c.Costs, c.CostsDue)
	}
	if c.Total != money(t, "2072.71") {
		t.Errorf("total %s, want 2072.71 (costs not yet due)", c.Total)
	}
	if len(c.Applications) != 0 {
		t.Errorf("applications %+v before any claim", c.Applications)
	}
}

// An invoice older than the rates table is refused, never given 0 interest.
func TestClaimBeforeRatesTable(t *testing.T) {
	db := loadLedger(t, ledger{customers: baseCustomers, invoices: "A1,A,2000-01-01,2000-01-31,100.00,EUR,false,\n"})
	c, err := dunning.CustomerClaim(context.Background(), db, "A", day(t, "2025-04-30"), dunning.ClaimOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Error == "" || !strings.Contains(c.Error, "2000-02-01") {
		t.Errorf("error %q, want one naming the first day without a rate", c.Error)
	}
	if _, err := dunning.CustomerClaim(context.Background(), db, "nobody", day(t, "2025-04-30"), dunning.ClaimOptions{}); !errors.Is(err, creditflow.ErrNotFound) {
		t.Errorf("unknown customer: %v, want ErrNotFound", err)
	}
}

// A promise of an amount takes the oldest invoices it pays in full out of
// the claim while it runs; the worklist chases the rest, with the same
// figures as the claim, and the promised invoices come back once the
// promise is broken.
func TestClaimPartialPromise(t *testing.T) {
	db := loadLedger(t, ledger{
		customers: baseCustomers,
		invoices: `
A1,A,2025-01-30,2025-03-01,1000.00,EUR,false,
A2,A,2025-02-03,2025-03-05,1000.00,EUR,false,
A3,A,2025-02-08,2025-03-10,1000.00,EUR,false,
`,
	})
	amount := money(t, "1500.00")
	record(t, db, dunning.NewAction{CustomerID: "A", Type: dunning.PromiseToPay, ActionDate: day(t, "2025-03-20"),
		PromiseDate: day(t, "2025-04-10"), Amount: &amount})
	for _, tc := range []struct {
		asOf     string
		promised int
		lines    int
	}{
		{asOf: "2025-03-25", promised: 1, lines: 2},
		// Broken: the grace of 3 days ended on 13 April.
		{asOf: "2025-04-14", promised: 0, lines: 3},
	} {
		c, err := dunning.CustomerClaim(context.Background(), db, "A", day(t, tc.asOf), dunning.ClaimOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Promised) != tc.promised || len(c.Lines) != tc.lines {
			t.Errorf("%s: %d promised, %d claimed invoices; want %d, %d", tc.asOf, len(c.Promised), len(c.Lines), tc.promised, tc.lines)
		}
		if tc.promised == 1 && (c.Promised[0].InvoiceID != "A1" || c.PromisedAmount != money(t, "1000.00")) {
			t.Errorf("%s: promised %+v, want A1 of 1000.00", tc.asOf, c.Promised)
		}
		_, tasks := worklistOn(t, db, tc.asOf, dunning.DefaultPolicy())
		task, ok := tasks["A"]
		if !ok {
			t.Fatalf("%s: no task for A", tc.asOf)
		}
		if task.Principal != c.Principal || task.Interest != c.Interest || task.Costs != c.Costs || task.AmountOverdue != c.Principal {
			t.Errorf("%s: task %s overdue, principal %s, interest %s, costs %s; claim %s, %s, %s", tc.asOf, task.AmountOverdue,
				task.Principal, task.Interest, task.Costs, c.Principal, c.Interest, c.Costs)
		}
	}
}

// A debtor who pays the ledger's open amount after costs were claimed still
// owes what that payment paid first: the costs and the interest.
func TestClaimAfterLedgerClosed(t *testing.T) {
	db := loadLedger(t, ledger{
		customers: baseCustomers,
		invoices:  "A1,A,2025-01-01,2025-01-31,1000.00,EUR,false,\n",
		payments:  "PA,A,A1,2025-04-01,1000.00,bank,\n",
	})
	record(t, db, dunning.NewAction{CustomerID: "A", Type: dunning.LetterSent, Step: "ingebrekestelling", ActionDate: day(t, "2025-03-03")})
	c, err := dunning.CustomerClaim(context.Background(), db, "A", day(t, "2025-04-01"), dunning.ClaimOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Claimed from 11 March (7 days' term). Interest 1 Feb – 1 Apr, 60
	// days on 1,000 at 11.15% = 18.33; costs 15% = 150. The 1,000 pays
	// 150 + 18.33 first and 831.67 of the principal: 168.33 is left.
	if len(c.Lines) != 1 || !c.Lines[0].ClosedInLedger || c.Principal != money(t, "168.33") || c.Interest != 0 || c.Costs != 0 {
		t.Errorf("claim %d lines, principal %s, interest %s, costs %s; want A1 closed in the ledger owing 168.33",
			len(c.Lines), c.Principal, c.Interest, c.Costs)
	}
}
