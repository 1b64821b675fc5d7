package forecast

import (
	"context"
	"os"
	"testing"

	"github.com/creditflow/creditflow/demo"
)

// TestBacktestSeeds runs the backtest on demo ledgers of several seeds, to
// check that the settings are not tuned to one (about 10 s; set
// CREDITFLOW_FORECAST_SEEDS=1 to run it).
func TestBacktestSeeds(t *testing.T) {
	if os.Getenv("CREDITFLOW_FORECAST_SEEDS") == "" {
		t.Skip("set CREDITFLOW_FORECAST_SEEDS=1 to run")
	}
	var so, st, sc float64
	seeds := []uint64{1, 3, 5, 7, 11}
	for _, seed := range seeds {
		db := demoDB(t, demo.Config{Customers: 800, Invoices: 50_000, Seed: seed, Years: 3})
		res, err := Backtest(context.Background(), db, date(t, "2024-10-01"), date(t, "2025-09-30"), 13)
		if err != nil {
			t.Fatal(err)
		}
		so += res.Model.WAPEOpen
		st += res.Model.WAPETotal
		sc += res.Model.Coverage
		t.Logf("seed %2d: model WAPE open %.4f total %.4f coverage %.3f | due date %.4f/%.4f | due date + delay %.4f/%.4f", seed,
			res.Model.WAPEOpen, res.Model.WAPETotal, res.Model.Coverage, res.DueDate.WAPEOpen, res.DueDate.WAPETotal,
			res.DueDatePlusDelay.WAPEOpen, res.DueDatePlusDelay.WAPETotal)
	}
	n := float64(len(seeds))
	t.Logf("mean: model WAPE open %.4f total %.4f coverage %.3f", so/n, st/n, sc/n)
}
