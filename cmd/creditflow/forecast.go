package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"text/tabwriter"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/forecast"
	"github.com/creditflow/creditflow/present"
	"github.com/creditflow/creditflow/store"
)

// forecastTopCustomers is how many customers the text output lists.
const forecastTopCustomers = 10

// runForecast prints the weekly cash forecast: the answer of
// GET /api/forecast, as a table, CSV or JSON.
func runForecast(ctx context.Context, c *command, args []string) error {
	c.asOfFlag(asOfUsage + "; the first week is its Monday's")
	weeks := c.weeksFlag("number of `weeks`")
	c.jsonFlag("print the JSON of GET /api/forecast")
	c.csvFlag("print the weeks as CSV with a header row, the fields of a week in --json")
	if err := c.parseFlagsOnly(args); err != nil {
		return err
	}
	if err := c.checkWeeks(*weeks); err != nil {
		return err
	}
	return c.withDB(ctx, func(db *store.DB, asOf creditflow.Date) error {
		f, err := c.app(db).Forecast(ctx, asOf, *weeks)
		if err != nil {
			return fmt.Errorf("forecast: %w", err)
		}
		table := func() [][]string {
			recs := [][]string{app.ForecastWeekColumns}
			for _, wk := range f.Weeks {
				recs = append(recs, app.ForecastWeekRecord(wk))
			}
			return recs
		}
		return c.output(f, table, func(w io.Writer) error { return printForecast(w, f) })
	})
}

// printForecast writes the forecast as a table of weeks with a total, and
// the customers that carry most of the cash from open invoices.
func printForecast(w io.Writer, f creditflow.Forecast) error {
	fmt.Fprintf(w, "Cash forecast as of %s: %d weeks from Monday to Sunday, amounts in %s\n", f.AsOf, len(f.Weeks), f.Currency)
	fmt.Fprintf(w, "expected = average over the simulated futures; 8 in 10 futures fall between p10 and p90\n")
	fmt.Fprintf(w, "open = from invoices open on %s, new = from invoices not yet sent\n\n", f.AsOf)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "week from\tto\texpected\tp10\tp50\tp90\topen\tnew\t")
	var total, open, fresh creditflow.Money
	for _, wk := range f.Weeks {
		total += wk.Expected
		open += wk.FromOpen
		fresh += wk.FromNew
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", wk.WeekStart, wk.WeekEnd, present.EN.TextAmount(wk.Expected),
			present.EN.TextAmount(wk.P10), present.EN.TextAmount(wk.P50), present.EN.TextAmount(wk.P90), present.EN.TextAmount(wk.FromOpen), present.EN.TextAmount(wk.FromNew))
	}
	fmt.Fprintf(tw, "total\t\t%s\t\t\t\t%s\t%s\t\n", present.EN.TextAmount(total), present.EN.TextAmount(open), present.EN.TextAmount(fresh))
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(f.TopCustomers) == 0 {
		return nil
	}
	fmt.Fprintf(w, "\nCustomers expected to pay the most on their open invoices in these weeks:\n")
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "customer\tname\texpected\topen now")
	for _, c := range f.TopCustomers[:min(len(f.TopCustomers), forecastTopCustomers)] {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.CustomerID, shorten(c.Name, 32), present.EN.TextAmount(c.Expected), present.EN.TextAmount(c.OpenAmount))
	}
	return tw.Flush()
}

// forecastBacktestJSON is the --json output of `backtest forecast`. WAPE
// and coverage are fractions (0.12 is 12%).
type forecastBacktestJSON struct {
	From      creditflow.Date `json:"from"`
	To        creditflow.Date `json:"to"`
	Horizon   int             `json:"horizon_weeks"` // weeks of each forecast
	Forecasts int             `json:"forecasts"`
	// Weeks are the weeks compared, over all forecasts.
	Weeks            int                     `json:"weeks"`
	Model            forecastBacktestFigures `json:"model"`
	DueDate          forecastBacktestFigures `json:"due_date"`
	DueDatePlusDelay forecastBacktestFigures `json:"due_date_plus_delay"`
}

// forecastBacktestFigures are the errors of one forecast method; coverage
// is null for the baselines, which make no band.
type forecastBacktestFigures struct {
	WAPEOpen  number  `json:"wape_open"`
	WAPETotal number  `json:"wape_total"`
	Coverage  *number `json:"coverage"`
}

func forecastFiguresOf(f forecast.BacktestFigures, band bool) forecastBacktestFigures {
	out := forecastBacktestFigures{WAPEOpen: number(f.WAPEOpen), WAPETotal: number(f.WAPETotal)}
	if band {
		c := number(f.Coverage)
		out.Coverage = &c
	}
	return out
}

func runBacktestForecast(ctx context.Context, c *command, args []string) error {
	c.spanFlags()
	weeks := c.weeksFlag("horizon of each forecast in `weeks`")
	c.jsonFlag("print JSON")
	if err := c.parseFlagsOnly(args); err != nil {
		return err
	}
	from, to, err := c.span()
	if err != nil {
		return err
	}
	if err := c.checkWeeks(*weeks); err != nil {
		return err
	}
	return c.withDB(ctx, func(db *store.DB, _ creditflow.Date) error {
		bt, err := forecast.Backtest(ctx, db, from, to, *weeks)
		if err != nil {
			return fmt.Errorf("backtest forecast: %w", err)
		}
		v := forecastBacktestJSON{From: bt.From, To: bt.To, Horizon: *weeks, Forecasts: bt.Forecasts, Weeks: bt.Weeks,
			Model: forecastFiguresOf(bt.Model, true), DueDate: forecastFiguresOf(bt.DueDate, false),
			DueDatePlusDelay: forecastFiguresOf(bt.DueDatePlusDelay, false)}
		return c.output(v, nil, func(w io.Writer) error { return printForecastBacktest(w, bt, *weeks) })
	})
}

// printForecastBacktest writes the backtest for a finance manager: what
// was compared, the errors side by side with the naive baselines, and
// what they mean.
func printForecastBacktest(w io.Writer, bt forecast.BacktestResult, horizon int) error {
	fmt.Fprintf(w, "Cash-forecast backtest, forecasts made from %s to %s\n", bt.From, bt.To)
	fmt.Fprintf(w, "Every 4 weeks a %d-week forecast was made from what was known on the day (%d forecasts);\n", horizon, bt.Forecasts)
	fmt.Fprintf(w, "each of its weeks that has passed was compared with the cash that came in (%d weeks).\n\n", bt.Weeks)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\tforecast\tdue date\tdue date + delay\tbest")
	row := func(label string, m, d, dd float64) {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", label, pct1(m), pct1(d), pct1(dd), lowest(m, d, dd))
	}
	row("Error on cash from open invoices (WAPE)", bt.Model.WAPEOpen, bt.DueDate.WAPEOpen, bt.DueDatePlusDelay.WAPEOpen)
	row("Error on all cash (WAPE)", bt.Model.WAPETotal, bt.DueDate.WAPETotal, bt.DueDatePlusDelay.WAPETotal)
	fmt.Fprintf(tw, "Weeks inside the p10-p90 band\t%s\t–\t–\t\n", pct1(bt.Model.Coverage))
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprint(w, `
WAPE (weighted absolute percentage error): the weekly misses, over or under,
added up as a share of the cash that came in; 0% is perfect, lower is better.
The error on open invoices compares only the cash of invoices already open
when the forecast was made; all cash adds the invoices sent afterwards.
The two naive baselines need no model: "due date" expects every open invoice
to be paid on its due date, "due date + delay" on its due date plus the
customer's average delay so far; for invoices still to come both repeat the
invoicing of a year earlier with the same rule. They make no band. About 80%
of the weeks should fall inside the p10-p90 band: far less means the band is
too narrow, far more that it is wider than it needs to be.
`)
	return err
}

// lowest names the column with the lowest error, or a dash.
func lowest(m, d, dd float64) string {
	best, v := "–", math.Inf(1)
	for _, c := range []struct {
		name string
		x    float64
	}{{"forecast", m}, {"due date", d}, {"due date + delay", dd}} {
		if !math.IsNaN(c.x) && c.x < v {
			best, v = c.name, c.x
		}
	}
	return best
}
