package main

import (
	"encoding/csv"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/present"
)

// TestCLIForecast checks the three outputs of `creditflow forecast`
// against each other and against GET /api/forecast, and its errors.
func TestCLIForecast(t *testing.T) {
	dbPath, _ := riskLedger(t)
	noEnv := envOf(nil)
	args := []string{"forecast", "--db", dbPath, "--as-of", "2025-06-30", "--weeks", "8"}

	out := mustRunCLI(t, noEnv, append(args, "--json")...)
	var f creditflow.Forecast
	if err := json.Unmarshal([]byte(out), &f); err != nil {
		t.Fatalf("forecast --json: %v in %s", err, out)
	}
	if f.AsOf.String() != "2025-06-30" || len(f.Weeks) != 8 || f.Currency != "EUR" {
		t.Fatalf("forecast --json: as_of %s, %d weeks, currency %q; want 2025-06-30, 8, EUR", f.AsOf, len(f.Weeks), f.Currency)
	}
	for _, wk := range f.Weeks {
		if wk.WeekStart.Weekday() != time.Monday || wk.FromOpen+wk.FromNew != wk.Expected || wk.P10 > wk.P50 || wk.P50 > wk.P90 {
			t.Errorf("week %+v: want a Monday, from_open + from_new = expected and p10 <= p50 <= p90", wk)
		}
	}

	t.Run("csv", func(t *testing.T) {
		out := mustRunCLI(t, noEnv, append(args, "--csv")...)
		rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatalf("forecast --csv: %v in %s", err, out)
		}
		if len(rows) != 9 || !slices.Equal(rows[0], app.ForecastWeekColumns) {
			t.Fatalf("forecast --csv: %d rows, header %q; want 9 and %q", len(rows), rows[0], app.ForecastWeekColumns)
		}
		for i, wk := range f.Weeks {
			if !slices.Equal(rows[i+1], app.ForecastWeekRecord(wk)) {
				t.Errorf("csv row %d = %q, want the JSON's week %q", i+1, rows[i+1], app.ForecastWeekRecord(wk))
			}
		}
	})

	t.Run("text", func(t *testing.T) {
		out := mustRunCLI(t, noEnv, args...)
		var total creditflow.Money
		for _, wk := range f.Weeks {
			total += wk.Expected
		}
		for _, want := range []string{"Cash forecast as of 2025-06-30: 8 weeks", "amounts in EUR", "p10", "p90",
			f.Weeks[0].WeekStart.String(), present.EN.TextAmount(f.Weeks[0].Expected), "total", present.EN.TextAmount(total), "Customers expected to pay the most"} {
			if !strings.Contains(out, want) {
				t.Errorf("forecast prints no %q:\n%s", want, out)
			}
		}
		if len(f.TopCustomers) > 0 && !strings.Contains(out, f.TopCustomers[0].CustomerID) {
			t.Errorf("forecast does not list the top customer %s:\n%s", f.TopCustomers[0].CustomerID, out)
		}
	})

	t.Run("same as the API", func(t *testing.T) {
		body := apiGet(t, dbPath, "", "/api/forecast?as_of=2025-06-30&weeks=8")
		if strings.TrimSpace(string(body)) != strings.TrimSpace(out) {
			t.Errorf("forecast --json differs from GET /api/forecast:\n%s\nwant\n%s", out, body)
		}
	})

	t.Run("errors", func(t *testing.T) {
		for _, tt := range []struct {
			args []string
			want string
		}{
			{[]string{"--weeks", "0"}, "--weeks"},
			{[]string{"--weeks", "53"}, "--weeks"},
			{[]string{"--as-of", "30-06-2025"}, "YYYY-MM-DD"},
			{[]string{"--json", "--csv"}, "one of"},
			{[]string{"extra"}, "unexpected argument"},
		} {
			wantCLIError(t, noEnv, append([]string{"forecast", "--db", dbPath}, tt.args...), tt.want)
		}
	})
}

// TestCLIBacktestForecast runs `backtest forecast` in text and JSON, and
// its errors.
func TestCLIBacktestForecast(t *testing.T) {
	dbPath, _ := riskLedger(t)
	noEnv := envOf(nil)
	args := []string{"backtest", "forecast", "--db", dbPath, "--from", "2024-10-01", "--to", "2025-05-31", "--weeks", "4"}

	out := mustRunCLI(t, noEnv, args...)
	for _, want := range []string{"Cash-forecast backtest, forecasts made from 2024-10-01 to 2025-05-31", "4-week forecast",
		"Error on cash from open invoices (WAPE)", "Error on all cash (WAPE)", "Weeks inside the p10-p90 band",
		"due date + delay", "lower is better"} {
		if !strings.Contains(out, want) {
			t.Errorf("backtest forecast prints no %q:\n%s", want, out)
		}
	}

	js := mustRunCLI(t, noEnv, append(args, "--json")...)
	var got struct {
		From      string `json:"from"`
		To        string `json:"to"`
		Horizon   int    `json:"horizon_weeks"`
		Forecasts int    `json:"forecasts"`
		Weeks     int    `json:"weeks"`
		Model     struct {
			WAPEOpen *float64 `json:"wape_open"`
			Coverage *float64 `json:"coverage"`
		} `json:"model"`
		DueDate struct {
			WAPEOpen *float64 `json:"wape_open"`
			Coverage *float64 `json:"coverage"`
		} `json:"due_date"`
		DueDatePlusDelay map[string]any `json:"due_date_plus_delay"`
	}
	if err := json.Unmarshal([]byte(js), &got); err != nil {
		t.Fatalf("backtest forecast --json: %v in %s", err, js)
	}
	if got.From != "2024-10-01" || got.To != "2025-05-31" || got.Horizon != 4 || got.Forecasts < 5 || got.Weeks < got.Forecasts {
		t.Errorf("backtest forecast --json = %s", js)
	}
	if got.Model.Coverage == nil || *got.Model.Coverage < 0 || *got.Model.Coverage > 1 || got.Model.WAPEOpen == nil || got.DueDate.WAPEOpen == nil || got.DueDate.Coverage != nil {
		t.Errorf("backtest forecast --json: want a coverage in [0,1] for the model and none for the baselines: %s", js)
	}
	if _, ok := got.DueDatePlusDelay["wape_total"]; !ok {
		t.Errorf("backtest forecast --json lacks due_date_plus_delay.wape_total: %s", js)
	}

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--from", "2025-01-01"}, "--to DATE"},
		{[]string{"--from", "2025-05-01", "--to", "2025-01-01"}, "before"},
		{[]string{"--from", "2025-01-01", "--to", "2025-05-01", "--weeks", "0"}, "--weeks"},
	} {
		wantCLIError(t, noEnv, append([]string{"backtest", "forecast", "--db", dbPath}, tt.args...), tt.want)
	}
}
