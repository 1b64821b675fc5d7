package dunning_test

import (
	"errors"
	"testing"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/dunning"
)

func TestCollectionCosts(t *testing.T) {
	tests := []struct {
		name, principal string
		want            string // the costs
		scale           string // the sum of the lines
		lines           int
		min, capped     bool
	}{
		// No claim, no costs.
		{name: "zero", principal: "0", want: "0.00", scale: "0.00", lines: 0},
		// 15% of 100 = 15.00, raised to the minimum of 40.
		{name: "minimum", principal: "100.00", want: "40.00", scale: "15.00", lines: 1, min: true},
		// 15% of 266.63 = 39.9945, rounded 39.99: just below the minimum.
		{name: "just below the minimum", principal: "266.63", want: "40.00", scale: "39.99", lines: 1, min: true},
		// 15% of 266.67 = 40.0005, rounded 40.00: the minimum on its own.
		{name: "minimum reached", principal: "266.67", want: "40.00", scale: "40.00", lines: 1},
		// 15% of 2,500 = 375.00.
		{name: "first band full", principal: "2500.00", want: "375.00", scale: "375.00", lines: 1},
		// 375.00 + 10% of 0.01 = 375.001, rounded 375.00.
		{name: "one cent into the second band", principal: "2500.01", want: "375.00", scale: "375.00", lines: 2},
		// 375 + 10% of 2,500 = 375 + 250 = 625.00.
		{name: "5,000", principal: "5000.00", want: "625.00", scale: "625.00", lines: 2},
		// 625 + 5% of 5,000 = 625 + 250 = 875.00.
		{name: "10,000", principal: "10000.00", want: "875.00", scale: "875.00", lines: 3},
		// 875 + 1% of 190,000 = 875 + 1,900 = 2,775.00.
		{name: "200,000", principal: "200000.00", want: "2775.00", scale: "2775.00", lines: 4},
		// 2,775 + 0.5% of 1.00 = 2,775.005, rounded half up to 2,775.01.
		{name: "half a cent rounds up", principal: "200001.00", want: "2775.01", scale: "2775.01", lines: 5},
		// 2,775 + 0.5% of 800,000 = 2,775 + 4,000 = 6,775.00: the cap, reached exactly.
		{name: "1,000,000", principal: "1000000.00", want: "6775.00", scale: "6775.00", lines: 5},
		// 2,775 + 0.5% of 1,800,000 = 2,775 + 9,000 = 11,775.00, lowered to the cap 6,775.
		{name: "cap", principal: "2000000.00", want: "6775.00", scale: "11775.00", lines: 5, capped: true},
	}
	for _, kind := range []creditflow.CustomerKind{creditflow.B2C, creditflow.B2B} {
		for _, tt := range tests {
			t.Run(string(kind)+"/"+tt.name, func(t *testing.T) {
				c, err := dunning.CollectionCosts(money(t, tt.principal), kind)
				if err != nil {
					t.Fatal(err)
				}
				if c.Amount != money(t, tt.want) || c.Scale != money(t, tt.scale) || len(c.Lines) != tt.lines ||
					c.MinimumApplied != tt.min || c.CapApplied != tt.capped {
					t.Errorf("got amount %s scale %s, %d lines, minimum %v, cap %v; want %s %s %d %v %v: %+v",
						c.Amount, c.Scale, len(c.Lines), c.MinimumApplied, c.CapApplied, tt.want, tt.scale, tt.lines, tt.min, tt.capped, c)
				}
				var sum, bases creditflow.Money
				for _, l := range c.Lines {
					sum += l.Amount
					bases += l.Base
				}
				if sum != c.Scale || bases != c.Principal {
					t.Errorf("lines sum to %s over bases %s, want %s over %s", sum, bases, c.Scale, c.Principal)
				}
			})
		}
	}
}

func TestCollectionCostsLines(t *testing.T) {
	c, err := dunning.CollectionCosts(money(t, "12345.67"), creditflow.B2B)
	if err != nil {
		t.Fatal(err)
	}
	// 375 + 250 + 250 + 1% of 2,345.67 = 23.4567 → 23.46.
	want := []struct{ base, rate, amount string }{
		{"2500.00", "15.00", "375.00"},
		{"2500.00", "10.00", "250.00"},
		{"5000.00", "5.00", "250.00"},
		{"2345.67", "1.00", "23.46"},
	}
	if len(c.Lines) != len(want) {
		t.Fatalf("%d lines, want %d: %+v", len(c.Lines), len(want), c.Lines)
	}
	for i, w := range want {
		l := c.Lines[i]
		if l.Base.String() != w.base || l.RatePercent.String() != w.rate || l.Amount.String() != w.amount {
			t.Errorf("line %d: %s × %s%% = %s, want %s × %s%% = %s", i, l.Base, l.RatePercent, l.Amount, w.base, w.rate, w.amount)
		}
	}
	if c.Amount != money(t, "898.46") {
		t.Errorf("amount %s, want 898.46", c.Amount)
	}
	if c.Lines[3].Band != "10000.00 - 200000.00" || c.Lines[3].BandTo == nil {
		t.Errorf("band %q, to %v", c.Lines[3].Band, c.Lines[3].BandTo)
	}
}

func TestCollectionCostsInvalid(t *testing.T) {
	if _, err := dunning.CollectionCosts(-1, creditflow.B2B); !errors.Is(err, creditflow.ErrInvalid) {
		t.Errorf("negative principal: %v, want ErrInvalid", err)
	}
	if _, err := dunning.CollectionCosts(100, "b2x"); !errors.Is(err, creditflow.ErrInvalid) {
		t.Errorf("unknown kind: %v, want ErrInvalid", err)
	}
}

func TestCollectionCostsPerInvoice(t *testing.T) {
	// 100 → minimum 40; 3,000 → 375 + 50 = 425; 266.67 → 40.00. Total 505.00,
	// where the scale over the total 3,366.67 would give 375 + 86.667 = 461.67.
	c, err := dunning.CollectionCostsPerInvoice([]creditflow.Money{money(t, "100"), money(t, "3000"), money(t, "266.67")}, creditflow.B2B)
	if err != nil {
		t.Fatal(err)
	}
	if c.Amount != money(t, "505.00") || c.Principal != money(t, "3366.67") || len(c.Invoices) != 3 {
		t.Errorf("got %s over %s in %d invoices, want 505.00 over 3366.67 in 3", c.Amount, c.Principal, len(c.Invoices))
	}
	total, _ := dunning.CollectionCosts(money(t, "3366.67"), creditflow.B2B)
	if total.Amount != money(t, "461.67") {
		t.Errorf("over the total: %s, want 461.67", total.Amount)
	}
	if _, err := dunning.CollectionCostsPerInvoice([]creditflow.Money{100}, creditflow.B2C); !errors.Is(err, creditflow.ErrInvalid) {
		t.Errorf("consumer per invoice: %v, want ErrInvalid", err)
	}
	if _, err := dunning.CollectionCostsPerInvoice([]creditflow.Money{100, 0}, creditflow.B2B); !errors.Is(err, creditflow.ErrInvalid) {
		t.Errorf("zero invoice: %v, want ErrInvalid", err)
	}
}

func TestFourteenDayLetterExpired(t *testing.T) {
	received := day(t, "2025-03-01")
	tests := []struct {
		on   string
		want bool
	}{
		{"2025-03-01", false},
		{"2025-03-15", false}, // the 14th day after receipt: still within the term
		{"2025-03-16", true},
	}
	for _, tt := range tests {
		if got := dunning.FourteenDayLetterExpired(received, day(t, tt.on)); got != tt.want {
			t.Errorf("on %s: %v, want %v", tt.on, got, tt.want)
		}
	}
}

func TestApplyPayment(t *testing.T) {
	claim := dunning.Claim{Principal: money(t, "1000.00"), Interest: money(t, "50.00"), Costs: money(t, "150.00")}
	tests := []struct {
		name, payment string
		left          dunning.Claim
		applied       dunning.Application
	}{
		{name: "less than the costs", payment: "100.00",
			left:    dunning.Claim{Principal: money(t, "1000.00"), Interest: money(t, "50.00"), Costs: money(t, "50.00")},
			applied: dunning.Application{Costs: money(t, "100.00")}},
		{name: "costs and part of the interest", payment: "180.00",
			left:    dunning.Claim{Principal: money(t, "1000.00"), Interest: money(t, "20.00")},
			applied: dunning.Application{Costs: money(t, "150.00"), Interest: money(t, "30.00")}},
		{name: "costs, interest and part of the principal", payment: "700.01",
			left:    dunning.Claim{Principal: money(t, "499.99")},
			applied: dunning.Application{Costs: money(t, "150.00"), Interest: money(t, "50.00"), Principal: money(t, "500.01")}},
		{name: "exactly", payment: "1200.00",
			applied: dunning.Application{Costs: money(t, "150.00"), Interest: money(t, "50.00"), Principal: money(t, "1000.00")}},
		{name: "overpaid", payment: "1300.00",
			applied: dunning.Application{Costs: money(t, "150.00"), Interest: money(t, "50.00"), Principal: money(t, "1000.00"), Overpaid: money(t, "100.00")}},
		{name: "nothing", payment: "0", left: claim},
		{name: "negative", payment: "-5.00", left: claim},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			left, applied := dunning.ApplyPayment(claim, money(t, tt.payment))
			if left != tt.left || applied != tt.applied {
				t.Errorf("left %+v applied %+v, want %+v %+v", left, applied, tt.left, tt.applied)
			}
			if p := money(t, tt.payment); p > 0 && applied.Costs+applied.Interest+applied.Principal+applied.Overpaid != p {
				t.Errorf("applied %+v does not add up to %s", applied, p)
			}
		})
	}
}
