package risk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creditflow/creditflow/demo/ledgertest"
	"github.com/creditflow/creditflow/store/storetest"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/demo"
	"github.com/creditflow/creditflow/store"
)

// BenchmarkScore times Engine.Scores end to end (features, change
// detection, training, scores and limits of every customer) and then
// CreditLimit of one customer on the cached as-of date.
//
// It runs on the ledger of the other benchmarks (see bench_test.go):
//
//	CREDITFLOW_BENCH_INVOICES=1000000 go test -run '^$' -bench Score -benchtime 1x ./risk/
func BenchmarkScore(b *testing.B) {
	db, asOf := benchDB(b)
	ctx := context.Background()
	b.Run("Scores", func(b *testing.B) {
		for b.Loop() {
			e := NewEngine(db, EngineOptions{})
			s, err := e.Scores(ctx, asOf)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(len(s.Customers)), "customers")
			b.ReportMetric(float64(s.Model.TrainingRows), "training_rows")
		}
	})
	b.Run("CreditLimit", func(b *testing.B) {
		e := NewEngine(db, EngineOptions{})
		s, err := e.Scores(ctx, asOf)
		if err != nil {
			b.Fatal(err)
		}
		ids := make([]string, len(s.Customers))
		for i, c := range s.Customers {
			ids[i] = c.CustomerID
		}
		i := 0
		for b.Loop() {
			if _, err := e.CreditLimit(ctx, asOf, ids[i%len(ids)]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

// fixedNow is the clock of the engines of the tests.
func fixedNow() time.Time { return time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC) }

// scoreAsOf scores db as of asOf with a new engine on the tests' clock.
func scoreAsOf(t *testing.T, db store.Querier, asOf creditflow.Date) (*Engine, *Scored) {
	t.Helper()
	e := NewEngine(db, EngineOptions{Now: fixedNow})
	s, err := e.Scores(context.Background(), asOf)
	if err != nil {
		t.Fatal(err)
	}
	return e, s
}

// TestEngineLedger scores the hand-checked ledger of aging_test.go on
// 2025-04-30 (its features are checked in TestFeaturesLedger). It is far
// too small to fit a model: the shrunk rates serve as the scores.
func TestEngineLedger(t *testing.T) {
	db := ledgerDB(t)
	ctx := context.Background()
	asOf := date(t, "2025-04-30")
	e, s := scoreAsOf(t, db, asOf)
	if s.Currency != "EUR" || !s.AsOf.Equal(asOf.Time) || len(s.Customers) != 3 || !s.ComputedAt.Equal(fixedNow()) {
		t.Fatalf("scored %s in %s at %s: %d customers", s.AsOf, s.Currency, s.ComputedAt, len(s.Customers))
	}
	if len(s.Model.Fallback) == 0 {
		t.Errorf("a model fitted on three customers: %+v", s.Model)
	}
	if _, err := json.Marshal(s); err != nil {
		t.Errorf("json: %v", err)
	}
	for i, c := range s.Customers {
		if want := []string{"C1", "C2", "C3"}[i]; c.CustomerID != want {
			t.Errorf("customer %d is %s, want %s", i, c.CustomerID, want)
		}
		if c.PLate < 0 || c.PLate > 1 || c.PSevere < 0 || c.PSevere > c.PLate || c.Score < 0 || c.Score > 100 ||
			c.RiskClass != RiskClassOf(c.PSevere) || c.Score != ScoreOf(c.PSevere) || c.ExpectedDaysLate < 0 {
			t.Errorf("%s: %+v", c.CustomerID, c)
		}
		if len(c.Reasons) == 0 || len(c.Reasons) > 3 {
			t.Errorf("%s: reasons %+v", c.CustomerID, c.Reasons)
		}
		for _, r := range c.Reasons {
			if r.Code == "" || r.Text == "" || strings.Contains(r.Text, "%!") {
				t.Errorf("%s: reason %+v", c.CustomerID, r)
			}
		}
		t.Logf("%s score %d class %s p_late %.3f p_severe %.3f days %.1f exposure %s limit %s reasons %+v",
			c.CustomerID, c.Score, c.RiskClass, c.PLate, c.PSevere, c.ExpectedDaysLate, c.Exposure, c.CreditLimit, c.Reasons)
	}
	c2, ok := s.Customer("C2")
	if !ok || c2.Name != "Beta Bouw" || c2.Segment != "construction" || c2.Exposure != money(t, "1050.00") {
		t.Errorf("Customer(C2) = %+v, %v", c2, ok)
	}
	if _, ok := s.Customer("C9"); ok {
		t.Error("Customer(C9) found")
	}

	t.Run("Sorted", func(t *testing.T) {
		cases := []struct {
			sort, segment string
			limit, offset int
			want          []string
			total         int
		}{
			// C2 never paid I5 (136 days overdue): the riskiest.
			{"risk", "", 0, 0, []string{"C2", "C1", "C3"}, 3},
			{"", "", 0, 0, []string{"C2", "C1", "C3"}, 3},
			{"exposure", "", 0, 0, []string{"C2", "C1", "C3"}, 3},
			{"name", "", 0, 0, []string{"C1", "C2", "C3"}, 3}, // Alpha, Beta, "C3"
			{"name", "", 1, 1, []string{"C2"}, 3},
			{"name", "", 10, 5, []string{}, 3},
			{"risk", "Retail", 0, 0, []string{"C1"}, 1},
			{"risk", "mining", 0, 0, []string{}, 0},
		}
		for _, c := range cases {
			page, total, err := s.Sorted(c.sort, c.segment, c.limit, c.offset)
			if err != nil {
				t.Fatal(err)
			}
			ids := []string{}
			for _, p := range page {
				ids = append(ids, p.CustomerID)
			}
			if strings.Join(ids, ",") != strings.Join(c.want, ",") || total != c.total {
				t.Errorf("Sorted(%q, %q, %d, %d) = %v (total %d), want %v (total %d)", c.sort, c.segment, c.limit, c.offset, ids, total, c.want, c.total)
			}
		}
		for _, bad := range []struct {
			sort          string
			limit, offset int
		}{{"score", 0, 0}, {"risk", -1, 0}, {"risk", 0, -1}, {"risk", MaxLimit + 1, 0}} {
			if _, _, err := s.Sorted(bad.sort, "", bad.limit, bad.offset); !errors.Is(err, creditflow.ErrInvalid) {
				t.Errorf("Sorted(%q, %d, %d): err = %v, want ErrInvalid", bad.sort, bad.limit, bad.offset, err)
			}
		}
	})

	t.Run("Customer", func(t *testing.T) {
		d, err := e.Customer(ctx, asOf, "C1")
		if err != nil {
			t.Fatal(err)
		}
		if d.Score.CustomerID != "C1" || d.Features.Invoices != 4 || d.Limit.CustomerID != "C1" || d.Limit.CreditLimit != d.Score.CreditLimit {
			t.Errorf("detail %+v", d)
		}
		days := func(x float64) *float64 { return &x }
		want := []PaymentRecord{
			{"I1", date(t, "2025-01-05"), date(t, "2025-02-04"), date(t, "2025-03-01"), days(25), money(t, "1000.00"), 0},
			{"I2", date(t, "2025-01-20"), date(t, "2025-02-19"), date(t, "2025-03-01"), days(10), money(t, "500.00"), 0},
			{"I3", date(t, "2025-02-10"), date(t, "2025-03-12"), creditflow.Date{}, days(49), money(t, "800.00"), money(t, "200.00")},
			{"I4", date(t, "2025-03-20"), date(t, "2025-04-19"), creditflow.Date{}, days(11), money(t, "300.00"), money(t, "300.00")},
		}
		if !reflect.DeepEqual(d.History, want) {
			t.Errorf("history\n got %s\nwant %s", recordsText(d.History), recordsText(want))
		}
		if len(d.OpenItems) != 2 || d.OpenItems[0].InvoiceID != "I3" || d.OpenItems[1].InvoiceID != "I4" {
			t.Errorf("open items %+v", d.OpenItems)
		}
		// Paid early, and not yet due: C3 on 2025-04-12.
		d3, err := e.Customer(ctx, date(t, "2025-04-12"), "C3")
		if err != nil {
			t.Fatal(err)
		}
		want3 := []PaymentRecord{
			{"I8", date(t, "2025-03-25"), date(t, "2025-04-24"), creditflow.Date{}, nil, money(t, "600.00"), money(t, "600.00")},
			{"I9", date(t, "2025-04-10"), date(t, "2025-05-10"), creditflow.Date{}, nil, money(t, "150.00"), money(t, "150.00")},
		}
		if !reflect.DeepEqual(d3.History, want3) {
			t.Errorf("history of C3 on 04-12\n got %s\nwant %s", recordsText(d3.History), recordsText(want3))
		}
		if _, err := e.Customer(ctx, asOf, "C9"); !errors.Is(err, creditflow.ErrNotFound) {
			t.Errorf("Customer(C9): err = %v, want ErrNotFound", err)
		}
	})

	t.Run("CreditLimit", func(t *testing.T) {
		for _, c := range s.Customers {
			l, err := e.CreditLimit(ctx, asOf, c.CustomerID)
			if err != nil {
				t.Fatal(err)
			}
			if l.CreditLimit != c.CreditLimit || l.Exposure != c.Exposure || l.Available != l.CreditLimit-l.Exposure ||
				l.RiskClass != c.RiskClass || l.Currency != "EUR" || len(l.Reasons) == 0 {
				t.Errorf("%s: limit %+v, score %+v", c.CustomerID, l, c)
			}
		}
		if _, err := e.CreditLimit(ctx, asOf, "C9"); !errors.Is(err, creditflow.ErrNotFound) {
			t.Errorf("CreditLimit(C9): err = %v, want ErrNotFound", err)
		}
	})

	t.Run("OpenItemPLate", func(t *testing.T) {
		items, _, err := OpenItems(ctx, db, OpenItemsQuery{AsOf: asOf})
		if err != nil {
			t.Fatal(err)
		}
		// Not yet due: 10 days left.
		items = append(items, creditflow.OpenItem{InvoiceID: "X1", CustomerID: "C3", DueDate: date(t, "2025-05-10"), Amount: money(t, "150.00")},
			creditflow.OpenItem{InvoiceID: "X2", CustomerID: "C99", DueDate: date(t, "2025-05-10"), Amount: money(t, "150.00")})
		ps, err := e.OpenItemPLate(ctx, asOf, items)
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != len(items) {
			t.Fatalf("%d probabilities for %d items", len(ps), len(items))
		}
		for i, it := range items {
			overdue := it.DueDate.Before(asOf.Time)
			if (overdue && ps[i] != 1) || (!overdue && (ps[i] <= 0 || ps[i] >= 1)) {
				t.Errorf("%s due %s: p_late %g", it.InvoiceID, it.DueDate, ps[i])
			}
		}
	})

	t.Run("Alerts", func(t *testing.T) {
		alerts, err := e.Alerts(ctx, asOf, creditflow.Date{})
		if err != nil {
			t.Fatal(err)
		}
		if alerts == nil {
			t.Error("Alerts: nil, want a slice")
		}
	})

	t.Run("Cache", func(t *testing.T) {
		again, err := e.Scores(ctx, asOf)
		if err != nil || again != s {
			t.Errorf("second Scores: %p, %v; want the cached %p", again, err, s)
		}
		e.Invalidate()
		var wg sync.WaitGroup
		got := make([]*Scored, 4)
		for i := range got {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got[i], _ = e.Scores(ctx, asOf)
			}()
		}
		wg.Wait()
		for _, g := range got {
			if g == nil || g == s || g != got[0] {
				t.Fatalf("after Invalidate, concurrent Scores gave %p, %p, %p, %p (before: %p)", got[0], got[1], got[2], got[3], s)
			}
		}
		if !reflect.DeepEqual(got[0].Customers, s.Customers) {
			t.Error("after Invalidate: different scores of the same ledger")
		}
		if _, err := e.Scores(ctx, creditflow.Date{}); !errors.Is(err, creditflow.ErrInvalid) {
			t.Errorf("zero as-of date: err = %v, want ErrInvalid", err)
		}
	})
}

func recordsText(rs []PaymentRecord) string {
	var b strings.Builder
	for _, r := range rs {
		d := "null"
		if r.DaysLate != nil {
			d = strconv.FormatFloat(*r.DaysLate, 'f', -1, 64)
		}
		fmt.Fprintf(&b, "\n  %s %s %s paid %s late %s amount %s open %s", r.InvoiceID, r.InvoiceDate, r.DueDate, r.PaidOn, d, r.Amount, r.OpenAmount)
	}
	return b.String()
}

// TestEngineNoLeakage scores as of A with and without the invoices and
// payments dated after A in the database: the scores, features, limits and
// model must be identical. Once on the hand-checked ledger (with the later
// rows of aging_test.go), once on a demo ledger cut in two.
func TestEngineNoLeakage(t *testing.T) {
	t.Run("ledger", func(t *testing.T) {
		asOf := date(t, "2025-04-30")
		without := ledgerDB(t)
		with := ledgerDB(t)
		mustIngest(t, with, storetest.WriteFiles(t, "invoices.csv", laterInvoices, "payments.csv", laterPayments)...)
		compareScores(t, without, with, asOf)
	})
	t.Run("demo", func(t *testing.T) {
		if testing.Short() {
			t.Skip("demo ledger: skipped under -short")
		}
		dir := t.TempDir()
		ledgertest.Demo(t, dir, demo.Config{Customers: 300, Invoices: 15_000, Seed: 3, End: riskDemoEnd, Years: 2})
		asOf := date(t, "2025-06-30")
		without, with := storetest.MustOpen(t), storetest.MustOpen(t)
		mustIngest(t, without, ledgertest.DemoFiles(ledgertest.CutDemo(t, dir, asOf))...)
		mustIngest(t, with, ledgertest.DemoFiles(dir)...)
		s := compareScores(t, without, with, asOf)
		if len(s.Model.Fallback) > 0 || s.Model.TrainingRows == 0 {
			t.Errorf("demo ledger: no fitted model: %+v", s.Model)
		}
	})
}

// compareScores scores both databases as of asOf and reports differences.
func compareScores(t *testing.T, a, b store.Querier, asOf creditflow.Date) *Scored {
	t.Helper()
	ctx := context.Background()
	ea, sa := scoreAsOf(t, a, asOf)
	eb, sb := scoreAsOf(t, b, asOf)
	if !reflect.DeepEqual(sa.Model, sb.Model) {
		t.Errorf("models differ:\n%+v\n%+v", sa.Model, sb.Model)
	}
	if len(sa.Customers) != len(sb.Customers) {
		t.Fatalf("%d and %d customers", len(sa.Customers), len(sb.Customers))
	}
	for i := range sa.Customers {
		if !reflect.DeepEqual(sa.Customers[i], sb.Customers[i]) {
			t.Errorf("%s: scores differ:\n%+v\n%+v", sa.Customers[i].CustomerID, sa.Customers[i], sb.Customers[i])
		}
		if !reflect.DeepEqual(sa.features[i], sb.features[i]) {
			t.Errorf("%s: features differ:\n%+v\n%+v", sa.Customers[i].CustomerID, sa.features[i], sb.features[i])
		}
		if !reflect.DeepEqual(sa.limits[i], sb.limits[i]) {
			t.Errorf("%s: limits differ:\n%+v\n%+v", sa.Customers[i].CustomerID, sa.limits[i], sb.limits[i])
		}
	}
	for _, c := range sa.Customers[:min(len(sa.Customers), 20)] {
		da, err := ea.Customer(ctx, asOf, c.CustomerID)
		if err != nil {
			t.Fatal(err)
		}
		db, err := eb.Customer(ctx, asOf, c.CustomerID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(da, db) {
			t.Errorf("%s: details differ", c.CustomerID)
		}
	}
	return sa
}

// TestEngineEmptyLedger scores a ledger without invoices: no customers,
// no model, no error.
func TestEngineEmptyLedger(t *testing.T) {
	db := storetest.MustOpen(t)
	ctx := context.Background()
	asOf := date(t, "2025-04-30")
	_, s := scoreAsOf(t, db, asOf)
	if len(s.Customers) != 0 || s.Currency != "EUR" || len(s.Model.Fallback) == 0 {
		t.Errorf("empty ledger: %+v", s)
	}
	if page, total, err := s.Sorted("risk", "", 0, 0); err != nil || total != 0 || page == nil || len(page) != 0 {
		t.Errorf("Sorted: %v, %d, %v", page, total, err)
	}
	if _, err := json.Marshal(s); err != nil {
		t.Errorf("json: %v", err)
	}
	if _, err := BacktestRisk(ctx, db, asOf, asOf); !errors.Is(err, creditflow.ErrInvalid) {
		t.Errorf("BacktestRisk on an empty ledger: err = %v, want ErrInvalid", err)
	}
}
