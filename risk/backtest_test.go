package risk

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/demo"
	"github.com/creditflow/creditflow/demo/ledgertest"
)

// riskDemoEnd is the last day of the demo ledgers of the risk tests.
var riskDemoEnd = time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)

// TestBacktestDemo backtests the scores on a demo ledger of 1000 customers
// and 60,000 invoices over three years: at each month-end of its second
// and third year (up to five months before its end, so that the fate of
// the next 90 days' invoices is known) the model must beat the naive
// baseline, the customer's historical late share, in AUC and Brier score
// for both p_late and p_severe.
func TestBacktestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("backtest on a demo ledger: skipped under -short")
	}
	// With CREDITFLOW_RISK_DEMO_DIR set, the ledger is kept there and reused.
	db, _ := ledgertest.DemoDB(t, demo.Config{Customers: 1000, Invoices: 60_000, Seed: 1, End: riskDemoEnd, Years: 3}, "CREDITFLOW_RISK_DEMO_DIR")
	from := date(t, "2024-06-30")
	to := date(t, "2025-07-31")
	start := time.Now()
	bt, err := BacktestRisk(context.Background(), db, from, to)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("backtest %s..%s: %d as-of dates, %d invoices (%d with a known severe outcome) in %s",
		bt.From, bt.To, bt.AsOfDates, bt.Rows, bt.RowsSevere, time.Since(start).Round(time.Millisecond))
	t.Logf("             AUC late  Brier late  AUC severe  Brier severe")
	t.Logf("model        %8.4f  %10.5f  %10.4f  %12.5f", bt.Model.AUCLate, bt.Model.BrierLate, bt.Model.AUCSevere, bt.Model.BrierSevere)
	t.Logf("baseline     %8.4f  %10.5f  %10.4f  %12.5f", bt.Baseline.AUCLate, bt.Baseline.BrierLate, bt.Baseline.AUCSevere, bt.Baseline.BrierSevere)
	logCalibration(t, "p_late", bt.Calibration)
	logCalibration(t, "p_severe", bt.CalibrationSevere)
	if bt.AsOfDates != 14 {
		t.Errorf("%d as-of dates, want 14", bt.AsOfDates)
	}
	for _, c := range []struct {
		name            string
		model, baseline float64
		higherIsBetter  bool
	}{
		{"AUC p_late", bt.Model.AUCLate, bt.Baseline.AUCLate, true},
		{"Brier p_late", bt.Model.BrierLate, bt.Baseline.BrierLate, false},
		{"AUC p_severe", bt.Model.AUCSevere, bt.Baseline.AUCSevere, true},
		{"Brier p_severe", bt.Model.BrierSevere, bt.Baseline.BrierSevere, false},
	} {
		better := c.model > c.baseline
		if !c.higherIsBetter {
			better = c.model < c.baseline
		}
		if !better || math.IsNaN(c.model) {
			t.Errorf("%s: model %.4f does not beat the baseline %.4f", c.name, c.model, c.baseline)
		}
	}
	// Calibrated: in every group with enough invoices, the observed share
	// is within 10 points of the mean prediction.
	for _, bins := range [][]CalibrationBin{bt.Calibration, bt.CalibrationSevere} {
		for _, b := range bins {
			if b.N >= 500 && math.Abs(b.Observed-b.MeanPredicted) > 0.10 {
				t.Errorf("calibration bin [%.3f, %.3f]: predicted %.3f, observed %.3f over %d invoices", b.Lo, b.Hi, b.MeanPredicted, b.Observed, b.N)
			}
		}
	}
}

func logCalibration(t *testing.T, name string, bins []CalibrationBin) {
	t.Helper()
	t.Logf("calibration of %s:   lo      hi   predicted  observed  invoices", name)
	for _, b := range bins {
		t.Logf("                    %6.3f  %6.3f  %9.3f  %8.3f  %8d", b.Lo, b.Hi, b.MeanPredicted, b.Observed, b.N)
	}
}

func TestBacktestInvalid(t *testing.T) {
	db := ledgerDB(t)
	ctx := context.Background()
	cases := []struct{ from, to creditflow.Date }{
		{date(t, "2025-04-30"), date(t, "2025-03-31")},
		{creditflow.Date{}, date(t, "2025-03-31")},
		{date(t, "2015-01-31"), date(t, "2025-03-31")}, // more than 120 dates
	}
	for _, c := range cases {
		if _, err := BacktestRisk(ctx, db, c.from, c.to); !errors.Is(err, creditflow.ErrInvalid) {
			t.Errorf("BacktestRisk(%s, %s): err = %v, want ErrInvalid", c.from, c.to, err)
		}
	}
	// On the hand-checked ledger: too small for a model, but it runs.
	bt, err := BacktestRisk(ctx, db, date(t, "2025-01-31"), date(t, "2025-03-31"))
	if err != nil {
		t.Fatal(err)
	}
	if bt.AsOfDates != 3 || bt.Rows == 0 {
		t.Errorf("backtest %+v", bt)
	}
}

func TestBacktestMonthlyDates(t *testing.T) {
	cases := []struct {
		from, to string
		want     []string
	}{
		{"2024-01-31", "2024-04-30", []string{"2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30"}},
		{"2024-01-15", "2024-03-14", []string{"2024-01-15", "2024-02-15"}},
		{"2024-01-30", "2024-03-31", []string{"2024-01-30", "2024-02-29", "2024-03-30"}},
		{"2024-05-01", "2024-05-01", []string{"2024-05-01"}},
	}
	for _, c := range cases {
		var got []string
		for _, d := range monthlyDates(date(t, c.from), date(t, c.to)) {
			got = append(got, d.String())
		}
		if strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("monthlyDates(%s, %s) = %v, want %v", c.from, c.to, got, c.want)
		}
	}
}
