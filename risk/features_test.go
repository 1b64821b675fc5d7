package risk

import (
	"context"
	"math"
	"reflect"
	"strconv"
	"testing"

	"github.com/creditflow/creditflow"
)

// TestFeaturesLedger checks the features of the hand-checked ledger of
// aging_test.go on 2025-04-30 (the allocations are listed there). Days late
// per invoice: C1: I1 paid 03-01, due 02-04: 25; I2 paid 03-01, due 02-19:
// 10; I3 200 of 800 open, due 03-12: 49 so far; I4 open, due 04-19: 11 so
// far. C2: I5 never paid, due 2024-12-15: 136 so far; I6 paid 01-30, due
// 01-24: 6; I7 paid by direct debit and reversed, open, due 03-06: 55 so
// far. C3: I8 paid 04-15, due 04-24: -9; I9 paid 04-20, due 05-10: -20.
func TestFeaturesLedger(t *testing.T) {
	db := ledgerDB(t)
	asOf := date(t, "2025-04-30")
	rows, err := loadFeatures(context.Background(), db, featureQuery{dates: []creditflow.Date{asOf}, currency: "EUR", cut: asOf})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Features{}
	for _, r := range rows {
		got[r.CustomerID] = r.Features
	}
	want := map[string]Features{
		"C1": {
			CustomerID: "C1", AsOf: asOf, Segment: "retail", Kind: "b2b", PaymentTermsDays: 30,
			Invoices: 4, Payments: 2, CreditNotes: 1, CreditNoteAmount: money(t, "200.00"),
			FirstInvoice: date(t, "2025-01-05"), LastInvoice: date(t, "2025-03-20"), LastPayment: date(t, "2025-03-01"),
			RelationshipDays: 115, DaysSinceLastPayment: 60,
			// 3 months: I3 800 - CN1 200 + I4 300.
			Sales3M: money(t, "900.00"), Sales12M: money(t, "2400.00"),
			UsualInvoiceAmount: money(t, "650.00"),
			OpenAmount:         money(t, "500.00"), OverdueAmount: money(t, "500.00"), Exposure: money(t, "500.00"),
			OpenItems: 2, OverdueItems: 2, OldestOverdueDays: 49,
			Partials: 2, // I1 in two payments, I3 partly paid
			// (1000×25 + 500×10 + 800×49 + 300×11) / 2600
			DBT: 72500.0 / 2600, DBTInvoices: 4, DBT90: 72500.0 / 2600, DBT90Invoices: 4, DBT365: 72500.0 / 2600, DBT365Invoices: 4,
			LateShare: 1, LateKnown: 4, VeryLateShare: 0, VeryLateKnown: 2, LateShare180: 1, LateKnown180: 4, PartialShare: 0.5,
			VeryLateKnown365: 2,
			// least squares of days late on due date, per 30 days, and the
			// sample standard deviation of 25, 10, 49, 11
			DBTTrend: -2.3368114535306965, DBTVolatility: 18.172781845386247,
		},
		"C2": {
			CustomerID: "C2", AsOf: asOf, Segment: "construction", Kind: "b2b", PaymentTermsDays: 14,
			Invoices: 3, Payments: 2, Reversals: 1,
			FirstInvoice: date(t, "2024-12-01"), LastInvoice: date(t, "2025-02-20"), LastPayment: date(t, "2025-02-25"),
			RelationshipDays: 150, DaysSinceLastPayment: 64,
			Sales3M: money(t, "400.00"), Sales12M: money(t, "1350.00"),
			UsualInvoiceAmount: money(t, "450.00"),
			OpenAmount:         money(t, "1100.00"), OverdueAmount: money(t, "1100.00"),
			// P3 overpaid I6 by 50: unapplied, and off the exposure.
			UnappliedCredit: money(t, "50.00"), Exposure: money(t, "1050.00"),
			OpenItems: 2, OverdueItems: 2, OldestOverdueDays: 136,
			// (700×136 + 250×6 + 400×55) / 1350
			DBT: 118700.0 / 1350, DBTInvoices: 3, DBT90: 55, DBT90Invoices: 1, DBT365: 118700.0 / 1350, DBT365Invoices: 3, // only I7 is due after 01-30
			LateShare: 1, LateKnown: 3, VeryLateShare: 0.5, VeryLateKnown: 2, LateShare180: 1, LateKnown180: 3,
			VeryLateShare365: 0.5, VeryLateKnown365: 2,
			DBTTrend: -29.725665515139198, DBTVolatility: 65.65312889218102,
		},
		"C3": {
			CustomerID: "C3", AsOf: asOf, Segment: "", Kind: "b2b", PaymentTermsDays: 30,
			Invoices: 2, Payments: 2,
			FirstInvoice: date(t, "2025-03-25"), LastInvoice: date(t, "2025-04-10"), LastPayment: date(t, "2025-04-20"),
			RelationshipDays: 36, DaysSinceLastPayment: 10,
			Sales3M: money(t, "750.00"), Sales12M: money(t, "750.00"),
			UsualInvoiceAmount: money(t, "375.00"),
			UnappliedCredit:    money(t, "50.00"),
			// (600×-9 + 150×-20) / 750
			DBT: -11.2, DBTInvoices: 2, DBT90: -11.2, DBT90Invoices: 2, DBT365: -11.2, DBT365Invoices: 2,
			LateKnown: 2, VeryLateKnown: 2, LateKnown180: 2, VeryLateKnown365: 2,
			DBTTrend: -20.625, DBTVolatility: 7.7781745930520225,
		},
	}
	if len(got) != len(want) {
		t.Fatalf("%d customers, want %d", len(got), len(want))
	}
	for id, w := range want {
		g := got[id]
		// Float fields within rounding; the rest exactly.
		for _, p := range [][2]*float64{{&g.DBT, &w.DBT}, {&g.DBT90, &w.DBT90}, {&g.DBT365, &w.DBT365}} {
			if math.Abs(*p[0]-*p[1]) > 1e-9 {
				t.Errorf("%s: DBT %g, want %g", id, *p[0], *p[1])
			}
			*p[0] = *p[1]
		}
		if math.Abs(g.DBTTrend-w.DBTTrend) > 1e-9 || math.Abs(g.DBTVolatility-w.DBTVolatility) > 1e-9 {
			t.Errorf("%s: trend %g, volatility %g; want %g, %g", id, g.DBTTrend, g.DBTVolatility, w.DBTTrend, w.DBTVolatility)
		}
		g.DBTTrend, g.DBTVolatility = w.DBTTrend, w.DBTVolatility
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s:\n got %+v\nwant %+v", id, g, w)
		}
	}
}

// TestFeatureShrinkage checks that a customer with little history is
// scored close to its segment, and one with much history close to itself.
func TestFeatureShrinkage(t *testing.T) {
	asOf := creditflow.NewDate(riskDemoEnd)
	var rows []*featureRow
	add := func(id, segment string, late, known int, dbt float64) *featureRow {
		r := &featureRow{Features: Features{
			CustomerID: id, AsOf: asOf, Segment: segment, Invoices: known, LateKnown: known, VeryLateKnown: known,
			DBT: dbt, DBTInvoices: known, DBT365Invoices: known, DBTVolatility: 10,
			FirstInvoice: asOf.AddDays(-400), LastInvoice: asOf.AddDays(-10),
		}, nLate: late}
		r.derive()
		rows = append(rows, r)
		return r
	}
	// Two segments of 40 established customers each: retail customers
	// pay late on 10-30% of their invoices and 2-8 days late, wholesale
	// ones on 50-70% and 15-25 days late.
	for i := range 40 {
		add("R"+strconv.Itoa(i), "retail", 2+i%5, 20, float64(2+i%7))
		add("W"+strconv.Itoa(i), "wholesale", 10+i%5, 20, float64(15+i%11))
	}
	cases := []struct {
		name          string
		segment       string
		late, known   int
		dbt           float64
		nearSegment   bool // else near its own figures
		ownLate, ownD float64
	}{
		{"one late invoice, retail", "retail", 1, 1, 40, true, 1, 40},
		{"one invoice on time, wholesale", "wholesale", 0, 1, -3, true, 0, -3},
		{"no history, retail", "retail", 0, 0, 0, true, 0, 0},
		{"long history, retail", "retail", 180, 200, 30, false, 0.9, 30},
	}
	var targets []*featureRow
	for _, c := range cases {
		targets = append(targets, add(c.name, c.segment, c.late, c.known, c.dbt))
	}
	p := estimatePriors(rows)
	for _, r := range rows {
		p.shrink(r)
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := targets[i].Features
			seg := p.segment(c.segment)
			dSegLate, dOwnLate := math.Abs(f.LateShareShrunk-seg.LateShare), math.Abs(f.LateShareShrunk-c.ownLate)
			dSegDBT, dOwnDBT := math.Abs(f.DBTShrunk-seg.DBT), math.Abs(f.DBTShrunk-c.ownD)
			t.Logf("late share %.3f (segment %.3f, own %.3f); DBT %.1f (segment %.1f, own %.1f); m = %.1f, k = %.1f",
				f.LateShareShrunk, seg.LateShare, c.ownLate, f.DBTShrunk, seg.DBT, c.ownD, p.mLate, p.kDBT)
			// Close means at most a third of the way to the other.
			if c.nearSegment {
				if dSegLate > dOwnLate/3 {
					t.Errorf("late share %.3f: not close to its segment's %.3f", f.LateShareShrunk, seg.LateShare)
				}
				if dSegDBT > dOwnDBT/3 {
					t.Errorf("DBT %.1f: not close to its segment's %.1f", f.DBTShrunk, seg.DBT)
				}
			} else if dOwnLate > dSegLate/3 || dOwnDBT > dSegDBT/3 {
				t.Errorf("late share %.3f, DBT %.1f: not close to its own %.3f, %.1f", f.LateShareShrunk, f.DBTShrunk, c.ownLate, c.ownD)
			}
			if c.known == 0 && (f.LateShareShrunk != seg.LateShare || f.DBTShrunk != seg.DBT) {
				t.Errorf("no history: late share %.3f, DBT %.1f; want the segment's %.3f, %.1f", f.LateShareShrunk, f.DBTShrunk, seg.LateShare, seg.DBT)
			}
		})
	}
	// The segments differ, and an unknown segment gets the book's figures.
	if r, w := p.segment("retail"), p.segment("wholesale"); r.LateShare >= w.LateShare || r.DBT >= w.DBT {
		t.Errorf("retail %+v, wholesale %+v", r, w)
	}
	if p.segment("unknown") != p.book {
		t.Errorf("unknown segment: %+v, want the book's %+v", p.segment("unknown"), p.book)
	}
}
