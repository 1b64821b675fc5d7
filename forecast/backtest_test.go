package forecast

import (
	"context"
	"testing"
	"time"

	"github.com/creditflow/creditflow/demo"
)

func TestBacktestBeatsBaselines(t *testing.T) {
	if testing.Short() {
		t.Skip("backtest on a demo ledger")
	}
	res := backtestDemo(t, demo.Config{Customers: 800, Invoices: 50_000, Seed: 3, Years: 3}, "2024-10-01", "2025-09-30")
	checkBeatsBaselines(t, res)
	if c := res.Model.Coverage; c < 0.65 || c > 0.95 {
		t.Errorf("p10-p90 coverage %.4f, want within [0.65, 0.95]", c)
	}
}

// TestBacktestDefaultDemo backtests the ledger that "creditflow demo" and
// "creditflow serve --demo" make (500 customers, 50,000 invoices, seed 1,
// 3 years), on which a fixed week noise gave a band that held only two
// weeks in three: the calibrated band must hold about 80% of them.
func TestBacktestDefaultDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("backtest on a demo ledger")
	}
	end := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	res := backtestDemo(t, demo.Config{Customers: 500, Invoices: 50_000, Seed: 1, Years: 3, End: end}, "2025-06-01", "2026-06-01")
	checkBeatsBaselines(t, res)
	if c := res.Model.Coverage; c < 0.70 || c > 0.90 {
		t.Errorf("p10-p90 coverage %.4f, want within [0.70, 0.90]", c)
	}
}

// backtestDemo backtests 13 weeks ahead from from to to on a demo ledger.
func backtestDemo(t *testing.T, cfg demo.Config, from, to string) BacktestResult {
	t.Helper()
	start := time.Now()
	db := demoDB(t, cfg)
	t.Logf("ledger ready in %v", time.Since(start))
	start = time.Now()
	res, err := Backtest(context.Background(), db, date(t, from), date(t, to), 13)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("backtest %s..%s in %v: %d forecasts, %d weeks", res.From, res.To, time.Since(start), res.Forecasts, res.Weeks)
	t.Logf("model:               WAPE open %.4f total %.4f coverage p10-p90 %.4f", res.Model.WAPEOpen, res.Model.WAPETotal, res.Model.Coverage)
	t.Logf("due date:            WAPE open %.4f total %.4f", res.DueDate.WAPEOpen, res.DueDate.WAPETotal)
	t.Logf("due date + delay:    WAPE open %.4f total %.4f", res.DueDatePlusDelay.WAPEOpen, res.DueDatePlusDelay.WAPETotal)
	if res.Forecasts == 0 || res.Weeks == 0 {
		t.Fatalf("backtest compared nothing: %+v", res)
	}
	return res
}

// checkBeatsBaselines checks that the model's WAPE beats both baselines'.
func checkBeatsBaselines(t *testing.T, res BacktestResult) {
	t.Helper()
	for _, b := range []struct {
		name string
		f    BacktestFigures
	}{{"due date", res.DueDate}, {"due date + delay", res.DueDatePlusDelay}} {
		if res.Model.WAPEOpen >= b.f.WAPEOpen {
			t.Errorf("model WAPE open %.4f does not beat %s %.4f", res.Model.WAPEOpen, b.name, b.f.WAPEOpen)
		}
		if res.Model.WAPETotal >= b.f.WAPETotal {
			t.Errorf("model WAPE total %.4f does not beat %s %.4f", res.Model.WAPETotal, b.name, b.f.WAPETotal)
		}
	}
}
