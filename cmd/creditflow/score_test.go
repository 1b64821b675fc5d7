package main

import (
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/creditflow/creditflow/app"
)

// riskLedger makes a database with the demo ledger of the risk tests (200
// customers, about 8000 invoices up to 2025-06-30, seed 1) through the CLI,
// and returns its path and the directory of the ledger files.
func riskLedger(t *testing.T) (dbPath, ledger string) {
	t.Helper()
	dir := t.TempDir()
	dbPath, ledger = filepath.Join(dir, "risk.duckdb"), filepath.Join(dir, "ledger")
	mustRunCLI(t, envOf(nil), "demo", "--out", ledger, "--customers", "200", "--invoices", "8000", "--seed", "1", "--end", "2025-06-30")
	mustRunCLI(t, envOf(nil), "ingest", "--db", dbPath,
		filepath.Join(ledger, "customers.csv"), filepath.Join(ledger, "invoices.csv"), filepath.Join(ledger, "payments.csv"))
	return dbPath, ledger
}

// TestCLIScore checks the three outputs of `creditflow score` against each
// other and against GET /api/customers.
func TestCLIScore(t *testing.T) {
	dbPath, _ := riskLedger(t)
	noEnv := envOf(nil)

	out := mustRunCLI(t, noEnv, "score", "--db", dbPath, "--as-of", "2025-06-30", "--json")
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("score --json: %v in %s", err, out)
	}
	if len(rows) != 200 {
		t.Fatalf("score --json gave %d rows, want one per customer (200)", len(rows))
	}
	want := slices.Sorted(slices.Values(app.CustomerRiskColumns))
	for _, r := range rows {
		if got := sortedKeys(r); !slices.Equal(got, want) {
			t.Fatalf("score --json fields %q, want %q", got, want)
		}
	}
	for i := 1; i < len(rows); i++ {
		if rows[i]["score"].(float64) > rows[i-1]["score"].(float64) {
			t.Fatalf("score --json: row %d is riskier than row %d; want riskiest first", i, i-1)
		}
	}

	t.Run("same rows as the API", func(t *testing.T) {
		var page struct {
			Customers []map[string]any `json:"customers"`
		}
		if err := json.Unmarshal(apiGet(t, dbPath, "", "/api/customers?as_of=2025-06-30&limit=10000"), &page); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(page.Customers, rows) {
			t.Errorf("score --json differs from GET /api/customers")
		}
	})

	t.Run("csv", func(t *testing.T) {
		out := mustRunCLI(t, noEnv, "score", "--db", dbPath, "--as-of", "2025-06-30", "--csv")
		recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatalf("score --csv: %v", err)
		}
		if !slices.Equal(recs[0], app.CustomerRiskColumns) || len(recs) != len(rows)+1 {
			t.Fatalf("score --csv: header %q and %d rows; want %q and %d", recs[0], len(recs)-1, app.CustomerRiskColumns, len(rows))
		}
		for i, rec := range recs[1:] {
			for j, col := range app.CustomerRiskColumns {
				var got any = rec[j]
				var err error
				switch rows[i][col].(type) {
				case float64:
					got, err = strconv.ParseFloat(rec[j], 64)
				case bool:
					got, err = strconv.ParseBool(rec[j])
				}
				if err != nil {
					t.Fatalf("row %d %s %q: %v", i, col, rec[j], err)
				}
				if got != rows[i][col] {
					t.Fatalf("score --csv row %d %s = %q, want %v as in --json", i, col, rec[j], rows[i][col])
				}
			}
		}
	})

	t.Run("text", func(t *testing.T) {
		out := mustRunCLI(t, noEnv, "score", "--db", dbPath, "--as-of", "2025-06-30")
		first := rows[0]["customer_id"].(string)
		for _, w := range []string{"Payment risk as of 2025-06-30", "200 customers", "EUR", "class", first} {
			if !strings.Contains(out, w) {
				t.Errorf("score prints no %q:\n%s", w, out)
			}
		}
		if n := strings.Count(out, "\n"); n < 203 {
			t.Errorf("score printed %d lines, want a header and 200 rows", n)
		}
	})

	t.Run("segment and sort", func(t *testing.T) {
		out := mustRunCLI(t, noEnv, "score", "--db", dbPath, "--as-of", "2025-06-30", "--json", "--segment", "retail", "--sort", "exposure")
		var seg []struct {
			Segment  string  `json:"segment"`
			Exposure float64 `json:"exposure"`
		}
		if err := json.Unmarshal([]byte(out), &seg); err != nil {
			t.Fatal(err)
		}
		if len(seg) == 0 || len(seg) >= len(rows) {
			t.Errorf("--segment retail gave %d of %d customers", len(seg), len(rows))
		}
		for i, r := range seg {
			if r.Segment != "retail" || (i > 0 && r.Exposure > seg[i-1].Exposure) {
				t.Fatalf("row %d %+v: want retail, largest exposure first", i, r)
			}
		}
	})

	t.Run("bad input", func(t *testing.T) {
		tests := []struct {
			name string
			args []string
			want string
		}{
			{"json and csv", []string{"--json", "--csv"}, "--json"},
			{"bad as-of", []string{"--as-of", "2025-06-31"}, "2025-06-31"},
			{"bad sort", []string{"--sort", "score"}, "--sort"},
			{"extra argument", []string{"--as-of", "2025-06-30", "now"}, "now"},
			{"unknown flag", []string{"--xml"}, "xml"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				wantCLIError(t, noEnv, append([]string{"score", "--db", dbPath}, tt.args...), tt.want)
			})
		}
	})
}

// TestCLIBacktest runs both backtests in text and JSON and their errors.
func TestCLIBacktest(t *testing.T) {
	dbPath, ledger := riskLedger(t)
	noEnv := envOf(nil)
	truth := filepath.Join(ledger, "truth.csv")

	t.Run("risk", func(t *testing.T) {
		args := []string{"backtest", "risk", "--db", dbPath, "--from", "2024-09-30", "--to", "2025-03-31"}
		out := mustRunCLI(t, noEnv, args...)
		for _, w := range []string{"2024-09-30", "2025-03-31", "AUC", "Brier score", "naive baseline", "p_late", "p_severe", "Calibration"} {
			if !strings.Contains(out, w) {
				t.Errorf("backtest risk prints no %q:\n%s", w, out)
			}
		}
		var bt struct {
			From        string             `json:"from"`
			To          string             `json:"to"`
			AsOfDates   int                `json:"as_of_dates"`
			Rows        int                `json:"rows"`
			Model       map[string]float64 `json:"model"`
			Baseline    map[string]float64 `json:"baseline"`
			Calibration []map[string]float64
		}
		js := mustRunCLI(t, noEnv, append(args, "--json")...)
		if err := json.Unmarshal([]byte(js), &bt); err != nil {
			t.Fatalf("backtest risk --json: %v in %s", err, js)
		}
		if bt.From != "2024-09-30" || bt.To != "2025-03-31" || bt.AsOfDates == 0 || bt.Rows == 0 || len(bt.Calibration) == 0 {
			t.Errorf("backtest risk --json = %s", js)
		}
		for _, f := range []map[string]float64{bt.Model, bt.Baseline} {
			if got := sortedKeys(f); !slices.Equal(got, []string{"auc_late", "auc_severe", "brier_late", "brier_severe"}) {
				t.Errorf("backtest figures %q", got)
			}
		}
		t.Logf("model %v, baseline %v", bt.Model, bt.Baseline)
	})

	t.Run("change", func(t *testing.T) {
		args := []string{"backtest", "change", "--db", dbPath, "--truth", truth, "--from", "2024-07-01", "--to", "2025-06-30", "--step", "28"}
		out := mustRunCLI(t, noEnv, args...)
		for _, w := range []string{"every 28 days", "200 customers", "Worsening customers found", "stopped paying found", "False alarms", "Time to detection"} {
			if !strings.Contains(out, w) {
				t.Errorf("backtest change prints no %q:\n%s", w, out)
			}
		}
		js := mustRunCLI(t, noEnv, append(args, "--json")...)
		var ev map[string]any
		if err := json.Unmarshal([]byte(js), &ev); err != nil {
			t.Fatalf("backtest change --json: %v in %s", err, js)
		}
		for _, k := range []string{"customers", "worsening", "stopped", "stable", "recall_worsening", "recall_stopped", "false_alarm_rate",
			"median_delay_days", "p90_delay_days", "median_change_date_error_days", "median_shift_error_days", "step_days"} {
			if _, ok := ev[k]; !ok {
				t.Errorf("backtest change --json lacks %s: %s", k, js)
			}
		}
		if ev["customers"] != 200.0 || ev["step_days"] != 28.0 {
			t.Errorf("backtest change --json = %s", js)
		}
	})

	t.Run("bad input", func(t *testing.T) {
		tests := []struct {
			name string
			args []string
			want string
		}{
			{"nothing to test", []string{"backtest"}, "backtest risk"},
			{"unknown backtest", []string{"backtest", "bogus"}, `"bogus"`},
			{"risk without dates", []string{"backtest", "risk", "--db", dbPath}, "--from"},
			{"risk without --to", []string{"backtest", "risk", "--db", dbPath, "--from", "2025-01-31"}, "--to"},
			{"risk bad date", []string{"backtest", "risk", "--db", dbPath, "--from", "2025-01-32", "--to", "2025-03-31"}, "2025-01-32"},
			{"risk backwards", []string{"backtest", "risk", "--db", dbPath, "--from", "2025-03-31", "--to", "2025-01-31"}, "before"},
			{"change without truth", []string{"backtest", "change", "--db", dbPath, "--from", "2025-01-31", "--to", "2025-03-31"}, "--truth"},
			{"change missing truth", []string{"backtest", "change", "--db", dbPath, "--truth", filepath.Join(ledger, "none.csv"),
				"--from", "2025-01-31", "--to", "2025-03-31"}, "none.csv"},
			{"change not a truth file", []string{"backtest", "change", "--db", dbPath, "--truth", filepath.Join(ledger, "invoices.csv"),
				"--from", "2025-01-31", "--to", "2025-03-31"}, "behaviour"},
			{"change step 0", []string{"backtest", "change", "--db", dbPath, "--truth", truth, "--from", "2025-01-31", "--to", "2025-03-31", "--step", "0"}, "--step"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				wantCLIError(t, noEnv, tt.args, tt.want)
			})
		}
	})

	t.Run("usage", func(t *testing.T) {
		out := mustRunCLI(t, noEnv, "help")
		for _, w := range []string{"creditflow score", "creditflow backtest risk", "creditflow backtest change"} {
			if !strings.Contains(out, w) {
				t.Errorf("usage lacks %q", w)
			}
		}
	})
}
