package web

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/forecast"
	"github.com/creditflow/creditflow/present"
	"github.com/creditflow/creditflow/present/view"
	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// The cash-forecast dashboard, /forecast: the cash expected in the next 13
// weeks with its p10-p90 band, split into open and new invoices, the
// customers behind it, and how well the forecast did on the ledger's past.

const (
	forecastPageWeeks    = app.DefaultForecastWeeks
	forecastSoonWeeks    = 4  // the "next 4 weeks" card
	forecastTopCustomers = 15 // customers in the table
)

// Colours of the forecast charts: the blue of the limit chart for cash
// from open invoices and the expected line, a light blue for the band and
// for cash from invoices still to come.
const (
	forecastBlue      = "#24518a"
	forecastLightBlue = "#9fb3d1"
	forecastMedian    = "#5b6577"
)

// forecastPage is the data of forecast.html. Everything is formatted here,
// so that the template only places strings.
type forecastPage struct {
	pageHead

	Currency   string
	Horizon    string // "3 March to 1 June 2025"
	Cards      []view.Card
	BandChart  view.Chart
	SplitChart view.Chart
	Weeks      []forecastWeekRow
	Total      forecastWeekRow
	Customers  []cashCustomerRow
	CustomersN string // "The 15 customers", for the table's header
	WeeksText  string // "13 weeks"
	Backtest   forecastBacktestBox
	API        string
}

type forecastWeekRow struct {
	Week     string // "3 Mar – 9 Mar"
	Start    string // YYYY-MM-DD
	Expected string
	P10      string
	P50      string
	P90      string
	FromOpen string
	FromNew  string
}

type cashCustomerRow struct {
	Customer customerRef
	Expected string
	Open     string
	Share    string // of all cash expected from open invoices
	Width    string // Share as a CSS width, against the first row
}

// forecastBacktestBox is the accuracy panel: the figures of the page's backtest,
// or why there are none.
type forecastBacktestBox struct {
	State string // "ready", "running" or "failed"
	Ready string // while running: answers once the backtest is done
	Span  string // what was tested, in words
	Rows  []forecastBacktestRow
	Note  string
}

type forecastBacktestRow struct {
	Label    string
	Hint     string
	Model    string
	DueDate  string
	DueDelay string
	Best     string // "model", "due", "delay" or "": the best column
}

// handleForecastPage renders the cash forecast from ?as_of=YYYY-MM-DD,
// today by default.
func (s *Server) handleForecastPage(w http.ResponseWriter, r *http.Request, sess *session) {
	fill := func(d *forecastData, p *forecastPage) error {
		if err := d.fill(p); err != nil {
			return err
		}
		if p.Backtest.State == "failed" {
			_, err := d.backtest.Result()
			s.log.ErrorContext(r.Context(), "forecast backtest", "as_of", d.asOf.String(), "err", err)
		}
		return nil
	}
	servePage(s, w, r, sess, pageSpec{nav: "forecast", template: "forecast.html", failed: "The forecast could not be computed."},
		&forecastPage{}, s.loadForecast, fill)
}

// forecastData is what the forecast page shows: the forecast, and its
// backtest when it is done.
type forecastData struct {
	asOf     creditflow.Date
	forecast creditflow.Forecast
	backtest *app.Pending[forecast.BacktestResult]
}

// loadForecast computes the forecast of asOf and starts its backtest. The
// page does not wait for the backtest (seconds): while it runs, the panel
// says so and the page reloads itself once /forecast/ready answers.
func (s *Server) loadForecast(ctx context.Context, asOf creditflow.Date) (*forecastData, error) {
	// The backtest starts first: it runs while the forecast is computed.
	d := &forecastData{asOf: asOf, backtest: s.app.ForecastBacktest(ctx, asOf)}
	var err error
	if d.forecast, err = s.app.Forecast(ctx, asOf, forecastPageWeeks); err != nil {
		return nil, err
	}
	return d, nil
}

// handleForecastReady answers once the backtest of ?as_of= is done: the
// forecast page shown before calls it and reloads.
func (s *Server) handleForecastReady(w http.ResponseWriter, r *http.Request, _ *session) {
	asOf, err := s.asOf(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if _, err := s.app.ForecastBacktest(r.Context(), asOf).Wait(r.Context()); err != nil {
		if r.Context().Err() == nil {
			http.Error(w, "the backtest could not be computed", http.StatusInternalServerError)
		}
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
}

// fill formats the forecast and the backtest into the page and builds its
// charts, per request.
func (d *forecastData) fill(p *forecastPage) error {
	f, asOf, l := d.forecast, d.asOf, p.Lang
	cur := view.CurrencyCode(f.Currency)
	p.Currency = view.CurrencyName(p.Lang, cur)
	p.API = "/api/forecast?" + url.Values{"as_of": {asOf.String()}, "weeks": {fmt.Sprint(forecastPageWeeks)}}.Encode()
	if len(f.Weeks) > 0 {
		p.Horizon = l.Tf("%s to %s", l.LongDate(f.Weeks[0].WeekStart), l.LongDate(f.Weeks[len(f.Weeks)-1].WeekEnd))
	}

	var total, open, fresh, soon creditflow.Money
	for i, wk := range f.Weeks {
		total += wk.Expected
		open += wk.FromOpen
		fresh += wk.FromNew
		if i < forecastSoonWeeks {
			soon += wk.Expected
		}
		p.Weeks = append(p.Weeks, forecastWeekRow{
			Week: view.DayMonth(l, wk.WeekStart) + " – " + view.DayMonth(l, wk.WeekEnd), Start: wk.WeekStart.String(),
			Expected: l.Amount(wk.Expected), P10: l.Amount(wk.P10), P50: l.Amount(wk.P50), P90: l.Amount(wk.P90),
			FromOpen: l.Amount(wk.FromOpen), FromNew: l.Amount(wk.FromNew),
		})
	}
	p.Total = forecastWeekRow{Week: l.T("Total"), Expected: l.Amount(total), FromOpen: l.Amount(open), FromNew: l.Amount(fresh)}
	openShare := math.NaN()
	if total > 0 {
		openShare = 100 * float64(open) / float64(total)
	}
	soonWeeks := min(forecastSoonWeeks, len(f.Weeks))
	p.Cards = []view.Card{
		{ID: "expected", Label: l.Tf("Expected in %s", l.Plural(len(f.Weeks), "%s week", "%s weeks")), Value: l.Money(cur, total),
			Detail: l.Tf("cash in from %s", p.Horizon),
			Hint:   l.T("The cash customers are expected to pay in the weeks shown: the average over the simulated futures.")},
		{ID: "soon", Label: l.Tf("Next %s", l.Plural(soonWeeks, "%s week", "%s weeks")), Value: l.Money(cur, soon),
			Detail: l.Tf("%s of the %s", l.Percent(percentOf(soon, total)), l.Plural(len(f.Weeks), "%s week", "%s weeks")),
			Hint:   l.T("Cash expected in the first weeks of the forecast, where it is most certain.")},
		{ID: "open", Label: l.T("From open invoices"), Value: l.Money(cur, open),
			Detail: l.Tf("%s of the expected cash", l.Percent(openShare)),
			Hint:   l.T("Cash expected from invoices that are open on the as-of date."), Meter: view.MeterWidth(openShare)},
		{ID: "new", Label: l.T("From new invoices"), Value: l.Money(cur, fresh),
			Detail: l.T("invoices not yet sent, paid within the horizon"),
			Hint:   l.T("Cash expected from invoices that are still to be sent, at each customer's usual pace of sales and payment.")},
	}

	top := f.TopCustomers[:min(len(f.TopCustomers), forecastTopCustomers)]
	var first creditflow.Money
	if len(top) > 0 {
		first = top[0].Expected
	}
	for _, c := range top {
		row := cashCustomerRow{Customer: newCustomerRef(c.CustomerID, c.Name, customerLink(c.CustomerID, asOf)),
			Expected: l.Amount(c.Expected), Open: l.Amount(c.OpenAmount), Share: l.Percent(percentOf(c.Expected, open))}
		if first > 0 {
			row.Width = view.MeterWidth(100 * float64(c.Expected) / float64(first))
		}
		p.Customers = append(p.Customers, row)
	}
	p.CustomersN = l.Plural(len(top), "The customer", "The %s customers")
	p.WeeksText = l.Plural(len(f.Weeks), "%s week", "%s weeks")

	p.Backtest = forecastBacktestOf(l, d.backtest, asOf)

	var err error
	if p.BandChart, err = view.Render(forecastBandChart(l, f.Weeks, cur)); err != nil {
		return fmt.Errorf("forecast band chart: %w", err)
	}
	if p.SplitChart, err = view.Render(forecastSplitChart(l, f.Weeks, cur)); err != nil {
		return fmt.Errorf("forecast split chart: %w", err)
	}
	return nil
}

// percentOf is a of b in percent, or NaN without b.
func percentOf(a, b creditflow.Money) float64 {
	if b <= 0 {
		return math.NaN()
	}
	return 100 * float64(a) / float64(b)
}

// forecastBacktestOf describes the page's backtest in its state, in l.
func forecastBacktestOf(l present.Lang, bt *app.Pending[forecast.BacktestResult], asOf creditflow.Date) forecastBacktestBox {
	from, to := app.BacktestSpan(asOf)
	select {
	case <-bt.Done():
	default:
		return forecastBacktestBox{State: "running", Ready: "/forecast/ready?" + url.Values{"as_of": {asOf.String()}}.Encode(),
			Note: l.Tf("The backtest of the forecasts made from %s to %s is still being computed. "+
				"It goes on in the background and appears here when ready.", l.LongDate(from), l.LongDate(to))}
	}
	r, err := bt.Result()
	if err != nil {
		return forecastBacktestBox{State: "failed", Note: l.Tf("The backtest could not be computed (not enough history before %s?). "+
			"The error is in the server log.", l.LongDate(asOf))}
	}
	if r.Forecasts == 0 || r.Weeks == 0 {
		return forecastBacktestBox{State: "ready", Note: l.Tf("The ledger has too little history before %s to backtest the forecast: "+
			"the page backtests forecasts made from %s to %s.", l.LongDate(asOf), l.LongDate(from), l.LongDate(to))}
	}
	box := forecastBacktestBox{State: "ready", Span: l.Tf("%s of %s, made every 4 weeks from %s to %s with what was known on the day, "+
		"against the cash that came in (%s compared). Run for this page, kept until the next ingest.",
		l.Plural(r.Forecasts, "%s forecast", "%s forecasts"), l.Plural(app.BacktestWeeks, "%s week", "%s weeks"),
		l.LongDate(r.From), l.LongDate(r.To), l.Plural(r.Weeks, "%s week", "%s weeks"))}
	box.Rows = []forecastBacktestRow{
		forecastBacktestRowOf(l, l.T("Error on open invoices"),
			l.T("Weighted absolute percentage error (WAPE) of the weekly cash from invoices open when the forecast was made. Lower is better."),
			r.Model.WAPEOpen, r.DueDate.WAPEOpen, r.DueDatePlusDelay.WAPEOpen),
		forecastBacktestRowOf(l, l.T("Error on all cash"), l.T("WAPE of the weekly cash in total, new invoices included. Lower is better."),
			r.Model.WAPETotal, r.DueDate.WAPETotal, r.DueDatePlusDelay.WAPETotal),
		{Label: l.T("Weeks inside the p10–p90 band"),
			Hint:  l.T("Share of the weeks whose actual cash fell inside the forecast's 80% band; about 80% is right."),
			Model: l.Percent(100 * r.Model.Coverage), DueDate: "–", DueDelay: "–"},
	}
	box.Note = l.T("The baselines: every open invoice paid on its due date, or on its due date plus the customer's average delay; " +
		"invoices still to come as a year earlier. They make no band.")
	return box
}

// forecastBacktestRowOf is one error figure of the model and the two baselines,
// the lowest marked best.
func forecastBacktestRowOf(l present.Lang, label, hint string, model, due, delay float64) forecastBacktestRow {
	row := forecastBacktestRow{Label: label, Hint: hint, Model: l.Percent(100 * model), DueDate: l.Percent(100 * due), DueDelay: l.Percent(100 * delay)}
	best, bestV := "", math.Inf(1)
	for _, c := range []struct {
		name string
		v    float64
	}{{"model", model}, {"due", due}, {"delay", delay}} {
		if !math.IsNaN(c.v) && c.v < bestV {
			best, bestV = c.name, c.v
		}
	}
	row.Best = best
	return row
}

// forecastWeekLabels are the weeks on the x axis: their Mondays, "3 Mar";
// in Dutch "3 mrt".
func forecastWeekLabels(l present.Lang, weeks []creditflow.ForecastWeek) []string {
	labels := make([]string, len(weeks))
	for i, wk := range weeks {
		labels[i] = view.DayMonth(l, wk.WeekStart)
	}
	return labels
}

// forecastChartOptions are chartOptions with money on the y axis and the
// weeks on the x axis.
func forecastChartOptions(l present.Lang, id string) []charts.GlobalOpts {
	return append(chartOptions(id, "340px"),
		charts.WithColorsOpts(opts.Colors{forecastBlue, forecastLightBlue, forecastMedian}),
		moneyYAxis(l), categoryXAxis(&opts.AxisLabel{Color: axisInk}))
}

// forecastBandChart draws the expected cash per week as a line in its
// p10-p90 band: a stacked area of p10 (transparent) and p90 - p10.
func forecastBandChart(l present.Lang, weeks []creditflow.ForecastWeek, cur string) *charts.Line {
	// The names of the series, in l; the tooltip finds the values by them.
	fcSeriesBase, fcSeriesBand := "p10", l.T("p10 to p90")
	fcSeriesExpected, fcSeriesMedian := l.T("Expected"), l.T("Median (p50)")
	line := charts.NewLine()
	line.SetGlobalOptions(forecastChartOptions(l, "forecast_band")...)
	line.SetGlobalOptions(
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0", Left: "center", Icon: "roundRect",
			ItemWidth: 12, ItemHeight: 12, TextStyle: &opts.TextStyle{Color: "#2b3445"},
			Data: []string{fcSeriesExpected, fcSeriesMedian, fcSeriesBand}}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis", Formatter: opts.FuncOpts(`function (ps) {
	if (!ps || !ps.length) { return ''; }
	var v = {};
	ps.forEach(function (p) { v[p.seriesName] = Number(p.value); });
	var f = function (x) { return ` + l.MoneyJS(cur, "x") + `; };
	var lo = v[` + jsQuote(fcSeriesBase) + `], hi = lo + v[` + jsQuote(fcSeriesBand) + `];
	return ` + jsQuote(l.T("Week of")+" ") + ` + ps[0].axisValue +
		'<br>' + ` + jsQuote(l.T("Expected")+": ") + ` + '<b>' + f(v[` + jsQuote(fcSeriesExpected) + `]) + '</b>' +
		'<br>' + ` + jsQuote(l.T("Median")+": ") + ` + f(v[` + jsQuote(fcSeriesMedian) + `]) +
		'<br>' + ` + jsQuote(l.T("80% band")+": ") + ` + f(lo) + ' – ' + f(hi);
}`)}),
	)
	line.SetXAxis(forecastWeekLabels(l, weeks))
	base := make([]opts.LineData, len(weeks))
	band := make([]opts.LineData, len(weeks))
	expected := make([]opts.LineData, len(weeks))
	median := make([]opts.LineData, len(weeks))
	for i, wk := range weeks {
		base[i] = opts.LineData{Value: wk.P10.Float64()}
		band[i] = opts.LineData{Value: max(wk.P90-wk.P10, 0).Float64()}
		expected[i] = opts.LineData{Value: wk.Expected.Float64()}
		median[i] = opts.LineData{Value: wk.P50.Float64()}
	}
	stack := charts.WithLineChartOpts(opts.LineChart{Stack: "band", ShowSymbol: opts.Bool(false)})
	hidden := charts.WithLineStyleOpts(opts.LineStyle{Opacity: opts.Float(0)})
	line.AddSeries(fcSeriesBase, base, stack, hidden,
		charts.WithAreaStyleOpts(opts.AreaStyle{Color: "transparent"}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: "transparent"}))
	line.AddSeries(fcSeriesBand, band, stack, hidden,
		charts.WithAreaStyleOpts(opts.AreaStyle{Color: forecastLightBlue, Opacity: opts.Float(0.5)}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: forecastLightBlue}))
	line.AddSeries(fcSeriesExpected, expected,
		charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(true), Symbol: "circle", SymbolSize: 6}),
		charts.WithLineStyleOpts(opts.LineStyle{Color: forecastBlue, Width: 2.5}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: forecastBlue}))
	line.AddSeries(fcSeriesMedian, median,
		charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}),
		charts.WithLineStyleOpts(opts.LineStyle{Color: forecastMedian, Width: 1.5, Type: "dashed"}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: forecastMedian}))
	return line
}

// forecastSplitChart stacks the expected cash per week from open invoices
// and from invoices still to come.
func forecastSplitChart(l present.Lang, weeks []creditflow.ForecastWeek, cur string) *charts.Bar {
	bar := charts.NewBar()
	bar.SetGlobalOptions(forecastChartOptions(l, "forecast_split")...)
	bar.SetGlobalOptions(moneyTooltip(l, cur))
	bar.SetXAxis(forecastWeekLabels(l, weeks))
	open := make([]opts.BarData, len(weeks))
	fresh := make([]opts.BarData, len(weeks))
	for i, wk := range weeks {
		open[i] = opts.BarData{Value: wk.FromOpen.Float64()}
		fresh[i] = opts.BarData{Value: wk.FromNew.Float64()}
	}
	stack := charts.WithBarChartOpts(opts.BarChart{Stack: "cash", BarCategoryGap: "30%"})
	bar.AddSeries(l.T("From open invoices"), open, stack, charts.WithItemStyleOpts(opts.ItemStyle{Color: forecastBlue}))
	bar.AddSeries(l.T("From new invoices"), fresh, stack, charts.WithItemStyleOpts(opts.ItemStyle{Color: forecastLightBlue}))
	return bar
}

// jsQuote quotes a text for a chart's JavaScript formatter.
func jsQuote(s string) string { return present.JSString(s) }
