package forecast

import (
	"context"
	"testing"
	"time"

	"github.com/creditflow/creditflow/ingest/demo"
)

func TestBacktestBeatsBaselines(t *testing.T) {
	if testing.Short() {
		t.Skip("backtest on a demo ledger")
	}
	start := time.Now()
	db := demoDB(t, demo.Config{Customers: 800, Invoices: 50_000, Seed: 3, Years: 3})
	t.Logf("ledger ready in %v", time.Since(start))
	start = time.Now()
	res, err := Backtest(context.Background(), db, date(t, "2024-10-01"), date(t, "2025-09-30"), 13)
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
	if c := res.Model.Coverage; c < 0.65 || c > 0.95 {
		t.Errorf("p10-p90 coverage %.4f, want within [0.65, 0.95]", c)
	}
}
