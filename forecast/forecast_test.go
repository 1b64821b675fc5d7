package forecast

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/creditflow/creditflow/demo/ledgertest"
	"github.com/creditflow/creditflow/store/storetest"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/demo"
	"github.com/creditflow/creditflow/risk"
	"github.com/creditflow/creditflow/store"
)

// TestSurvivalRecoversDelay plants a known delay distribution: every invoice
// is paid 5 days after its due date plus a geometric number of days with
// daily hazard 0.1 (mean delay 14 days), and the invoices still open on the
// as-of date are censored (not dropped, not counted as paid). The fitted
// hazard must recover it.
func TestSurvivalRecoversDelay(t *testing.T) {
	const (
		asOf   = 20000
		hazard = 0.1
	)
	rng := rand.New(rand.NewPCG(1, 2))
	var recs []record
	var paidSum, paidN float64
	for i := 0; i < 20000; i++ {
		issued := asOf - rng.IntN(400)
		due := issued + 30
		delay := 5
		for rng.Float64() >= hazard {
			delay++
		}
		r := record{customer: "C1", segment: "s", issued: issued, due: due, settled: due + delay, amountCent: 10000}
		if r.settled > asOf {
			r.settled, r.openCent = -1, r.amountCent
		} else {
			paidSum += float64(delay)
			paidN++
		}
		recs = append(recs, r)
	}
	m := fitModel(&ledger{asOf: asOf, records: recs}, nil)
	for x := 6; x <= 40; x++ {
		if h := m.book[delayIndex(x)]; math.Abs(h-hazard) > 0.025 {
			t.Errorf("hazard at delay %d = %.4f, want %.2f", x, h, hazard)
		}
	}
	if h := m.book[delayIndex(0)]; h > 0.01 {
		t.Errorf("hazard before any payment = %.4f, want about 0", h)
	}
	got := meanDelay(m.book, -30)
	t.Logf("mean delay: fitted %.2f, paid invoices only %.2f, true 14", got, paidSum/paidN)
	if math.Abs(got-14) > 1 {
		t.Errorf("fitted mean delay %.2f, want 14 ± 1", got)
	}
	// Conditional on being open 10 days after the due date, the chance of
	// being paid in the next 30 days is 1 − 0.9^30.
	p := make([]float64, 30)
	rest := m.itemProbs("C1", "s", asOf-10, false, p)
	if want := math.Pow(1-hazard, 30); math.Abs(rest-want) > 0.03 {
		t.Errorf("P(open 30 more days | 10 days late) = %.4f, want %.4f", rest, want)
	}
}

// TestCustomerShrinkage: a customer with many invoices keeps its own
// behaviour, one with a single invoice gets its segment's.
func TestCustomerShrinkage(t *testing.T) {
	const asOf = 20000
	rng := rand.New(rand.NewPCG(3, 4))
	var recs []record
	add := func(cust string, n, delay int) {
		for i := 0; i < n; i++ {
			issued := asOf - 60 - rng.IntN(300)
			recs = append(recs, record{customer: cust, segment: "s", issued: issued, due: issued + 30, settled: issued + 30 + delay, amountCent: 100})
		}
	}
	add("A", 2000, 0)    // the segment pays on the due date
	add("LATE", 200, 40) // pays 40 days late
	add("NEW", 1, 40)    // one late invoice: not enough to tell
	slices.SortFunc(recs, func(a, b record) int { return strings.Compare(a.customer, b.customer) })
	m := fitModel(&ledger{asOf: asOf, records: recs}, nil)
	mean := func(id string) float64 { return meanDelay(m.customer(id, "s").h, -30) }
	if d := mean("LATE"); math.Abs(d-40) > 3 {
		t.Errorf("LATE mean delay %.1f, want about 40", d)
	}
	if d := mean("NEW"); d > 15 {
		t.Errorf("NEW mean delay %.1f, want near the segment's (about 4)", d)
	}
}

// TestHoltWintersBeatsSeasonalNaive fits a trending seasonal weekly series
// and forecasts the last half year better than last year's same week.
func TestHoltWintersBeatsSeasonalNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n, hold = 208, 26
	y := make([]float64, n)
	for i := range y {
		y[i] = 1000 + 4*float64(i) + 250*math.Sin(2*math.Pi*float64(i)/52) + 40*rng.NormFloat64()
	}
	train := y[:n-hold]
	hw := fitHoltWinters(train, 52)
	f := hw.forecast(hold)
	var eHW, eNaive float64
	for k := 0; k < hold; k++ {
		a := y[n-hold+k]
		eHW += math.Abs(a - f[k])
		eNaive += math.Abs(a - y[n-hold+k-52])
	}
	t.Logf("MAE Holt-Winters %.1f, seasonal naive %.1f (alpha %.3f beta %.3f gamma %.3f)", eHW/hold, eNaive/hold, hw.alpha, hw.beta, hw.gamma)
	if eHW >= eNaive {
		t.Errorf("Holt-Winters MAE %.1f does not beat seasonal naive %.1f", eHW/hold, eNaive/hold)
	}
}

func TestHorizon(t *testing.T) {
	for _, tc := range []struct {
		name, asOf, first string
		days              int
	}{
		{"sunday", "2025-03-30", "2025-03-31", 91},
		{"monday", "2025-03-31", "2025-03-31", 90},
		{"wednesday", "2025-04-02", "2025-03-31", 88},
		{"saturday", "2025-04-05", "2025-03-31", 85},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHorizon(dayNumber(date(t, tc.asOf)), 13)
			if got := dateOf(h.firstWeek).String(); got != tc.first {
				t.Errorf("first week starts %s, want %s", got, tc.first)
			}
			if dateOf(h.firstWeek).Weekday() != time.Monday {
				t.Errorf("first week starts on a %s", dateOf(h.firstWeek).Weekday())
			}
			if h.days != tc.days {
				t.Errorf("days = %d, want %d", h.days, tc.days)
			}
			if h.weekOf(1) != 0 || h.weekOf(h.days) != 12 {
				t.Errorf("weekOf(1) = %d, weekOf(last) = %d", h.weekOf(1), h.weekOf(h.days))
			}
		})
	}
}

// smallDemo is a small demo ledger shared by the tests below; its CSV files
// are in the returned directory.
func smallDemo(tb testing.TB) (*store.DB, string) {
	tb.Helper()
	return ledgertest.DemoDB(tb, demo.Config{Customers: 120, Invoices: 6000, Seed: 2, Years: 2, End: demoEnd}, "")
}

func TestCompute(t *testing.T) {
	db, dir := smallDemo(t)
	ctx := context.Background()
	asOf := date(t, "2025-06-15") // a Sunday
	f, err := Compute(ctx, db, asOf, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Weeks) != DefaultWeeks || f.Currency != "EUR" || f.AsOf != asOf {
		t.Fatalf("forecast: %d weeks, currency %q, as of %s", len(f.Weeks), f.Currency, f.AsOf)
	}

	t.Run("weeks", func(t *testing.T) {
		for i, w := range f.Weeks {
			if w.WeekStart.Weekday() != time.Monday || w.WeekEnd != w.WeekStart.AddDays(6) {
				t.Errorf("week %d: %s..%s", i, w.WeekStart, w.WeekEnd)
			}
			if i == 0 && w.WeekStart != asOf.AddDays(1) {
				t.Errorf("first week starts %s, want %s", w.WeekStart, asOf.AddDays(1))
			}
			if i > 0 && w.WeekStart != f.Weeks[i-1].WeekEnd.AddDays(1) {
				t.Errorf("week %d does not follow week %d", i, i-1)
			}
			if w.Expected != w.FromOpen+w.FromNew {
				t.Errorf("week %d: expected %s != from_open %s + from_new %s", i, w.Expected, w.FromOpen, w.FromNew)
			}
			if !(w.P10 <= w.P50 && w.P50 <= w.P90) || w.Expected <= 0 {
				t.Errorf("week %d: p10 %s p50 %s p90 %s expected %s", i, w.P10, w.P50, w.P90, w.Expected)
			}
		}
		if f.Weeks[0].FromOpen <= f.Weeks[12].FromOpen || f.Weeks[0].FromNew >= f.Weeks[12].FromNew {
			t.Errorf("open cash should run off and new cash grow: week 1 %+v, week 13 %+v", f.Weeks[0], f.Weeks[12])
		}
		if len(f.TopCustomers) == 0 || f.TopCustomers[0].Name == "" || f.TopCustomers[0].Expected > f.TopCustomers[0].OpenAmount {
			t.Errorf("top customers: %+v", f.TopCustomers)
		}
	})

	t.Run("monday", func(t *testing.T) {
		g, err := Compute(ctx, db, asOf.AddDays(1), Options{Weeks: 2})
		if err != nil {
			t.Fatal(err)
		}
		if g.Weeks[0].WeekStart != asOf.AddDays(1) || len(g.Weeks) != 2 {
			t.Errorf("as of a Monday: first week %s, %d weeks", g.Weeks[0].WeekStart, len(g.Weeks))
		}
	})

	t.Run("deterministic", func(t *testing.T) {
		g, err := Compute(ctx, db, asOf, Options{Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(f, g) {
			t.Errorf("same seed, different forecast")
		}
		h, err := Compute(ctx, db, asOf, Options{Seed: 2})
		if err != nil {
			t.Fatal(err)
		}
		if reflect.DeepEqual(f.Weeks, h.Weeks) {
			t.Errorf("another seed gives the very same quantiles")
		}
	})

	t.Run("invalid", func(t *testing.T) {
		for _, o := range []Options{{Weeks: 53}, {Weeks: -1}, {Paths: -5}} {
			if _, err := Compute(ctx, db, asOf, o); !errors.Is(err, creditflow.ErrInvalid) {
				t.Errorf("Compute(%+v) = %v, want ErrInvalid", o, err)
			}
		}
		for _, w := range []int{0, 53} {
			if _, err := Backtest(ctx, db, asOf, asOf.AddDays(60), w); !errors.Is(err, creditflow.ErrInvalid) {
				t.Errorf("Backtest(weeks %d) = %v, want ErrInvalid", w, err)
			}
		}
	})

	t.Run("no leakage", func(t *testing.T) {
		db2 := storetest.MustOpen(t)
		ledgertest.Ingest(t, db2, demoEnd, ledgertest.DemoFiles(ledgertest.CutDemo(t, dir, asOf))...)
		g, err := Compute(ctx, db2, asOf, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(f, g) {
			t.Errorf("the forecast changes with what happened after the as-of date:\nfull %+v\ncut  %+v", f.Weeks[:2], g.Weeks[:2])
		}
	})

	t.Run("open items", func(t *testing.T) {
		items, _, err := risk.OpenItems(ctx, db, risk.OpenItemsQuery{AsOf: asOf, Limit: risk.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		if len(items) == 0 {
			t.Fatal("no open items")
		}
		fs, err := OpenItemForecasts(ctx, db, asOf, items, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(fs) != len(items) {
			t.Fatalf("%d forecasts for %d items", len(fs), len(items))
		}
		var sumP float64
		for i, it := range fs {
			if it.InvoiceID != items[i].InvoiceID || !it.ExpectedPaymentDate.After(asOf.Time) || it.PPaidWithin30Days < 0 || it.PPaidWithin30Days > 1 {
				t.Errorf("item %d: %+v", i, it)
			}
			sumP += it.PPaidWithin30Days
		}
		t.Logf("%d open items, mean P(paid within 30 days) %.3f", len(items), sumP/float64(len(items)))
	})
}

// TestComputeWithScores shifts customers by their risk scores: a customer
// who stopped paying expects (almost) nothing.
func TestComputeWithScores(t *testing.T) {
	db, _ := smallDemo(t)
	ctx := context.Background()
	asOf := date(t, "2025-09-28")
	scores, err := risk.NewEngine(db, risk.EngineOptions{}).Scores(ctx, asOf)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := Compute(ctx, db, asOf, Options{})
	if err != nil {
		t.Fatal(err)
	}
	scored, err := Compute(ctx, db, asOf, Options{Scores: scores})
	if err != nil {
		t.Fatal(err)
	}
	var a, b creditflow.Money
	for i := range plain.Weeks {
		a += plain.Weeks[i].FromOpen
		b += scored.Weeks[i].FromOpen
	}
	t.Logf("from open over 13 weeks: %s without scores, %s with", a, b)
	if b <= 0 || math.Abs(float64(b-a)) > 0.25*float64(a) {
		t.Errorf("scores move the open cash from %s to %s", a, b)
	}
	items, _, err := risk.OpenItems(ctx, db, risk.OpenItemsQuery{AsOf: asOf, Limit: risk.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	fs, err := OpenItemForecasts(ctx, db, asOf, items, Options{Scores: scores})
	if err != nil {
		t.Fatal(err)
	}
	silent := 0
	for i, it := range items {
		if sc, ok := scores.Customer(it.CustomerID); ok && sc.Change.Detected && sc.Change.Kind == "silence" {
			silent++
			if fs[i].PPaidWithin30Days > 0.25 {
				t.Errorf("item %s of silent customer %s: P(paid within 30 days) %.3f", it.InvoiceID, it.CustomerID, fs[i].PPaidWithin30Days)
			}
		}
	}
	t.Logf("%d open items of silent customers", silent)
}

func TestEmptyLedger(t *testing.T) {
	db := storetest.MustOpen(t)
	ctx := context.Background()
	asOf := date(t, "2025-03-31")
	f, err := Compute(ctx, db, asOf, Options{Weeks: 4})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Weeks) != 4 || f.Currency != "EUR" || len(f.TopCustomers) != 0 {
		t.Fatalf("forecast on an empty ledger: %+v", f)
	}
	for _, w := range f.Weeks {
		if w.Expected != 0 || w.P90 != 0 {
			t.Errorf("week %s: %+v", w.WeekStart, w)
		}
	}
	res, err := Backtest(ctx, db, asOf, asOf.AddDays(90), 13)
	if err != nil || res.Forecasts != 0 {
		t.Errorf("backtest on an empty ledger: %+v, %v", res, err)
	}
}
