package web

import (
	"fmt"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/present"
	"github.com/creditflow/creditflow/present/view"
	"github.com/creditflow/creditflow/risk"
	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// The charts of the payment-risk pages: the risk classes of the overview
// (scores, classes over time, exposure by class), and a customer's delays
// and exposure against its limits.

// riskChartOptions are chartOptions with a legend of the risk classes.
func riskChartOptions(id, height string) []charts.GlobalOpts {
	return append(chartOptions(id, height),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", MinInterval: 1, AxisLabel: &opts.AxisLabel{Color: axisInk}, SplitLine: gridLines()}),
		categoryXAxis(&opts.AxisLabel{Color: axisInk, Interval: "0"}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis", AxisPointer: &opts.AxisPointer{Type: "shadow"}}),
	)
}

// classSeriesName is how a risk class reads in a legend: "Class A"; in
// Dutch "Klasse A".
func classSeriesName(l present.Lang, c creditflow.RiskClass) string {
	return l.Tf("Class %s", view.Text(string(c)))
}

// scoreHistogram counts the customers per 10 points of score, stacked by
// risk class: the class follows p_severe, the score the whole model, so
// the colours show how the two line up.
func scoreHistogram(l present.Lang, cs []creditflow.RiskScore) *charts.Bar {
	bar := charts.NewBar()
	bar.SetGlobalOptions(riskChartOptions("risk_scores", "320px")...)
	labels := make([]string, riskScoreBins)
	for i := range labels {
		hi := (i+1)*100/riskScoreBins - 1
		if i == riskScoreBins-1 {
			hi = 100
		}
		labels[i] = fmt.Sprintf("%d–%d", i*100/riskScoreBins, hi)
	}
	bar.SetGlobalOptions(categoryXAxis(&opts.AxisLabel{Color: axisInk, Interval: "0",
		Formatter: opts.FuncOpts(`function (v) { return v.split('–')[0]; }`)}))
	bar.SetXAxis(labels)
	counts := make([][]int, len(riskClasses))
	for i := range counts {
		counts[i] = make([]int, riskScoreBins)
	}
	for _, c := range cs {
		k := classIndex(c.RiskClass)
		if k < 0 {
			continue
		}
		b := min(max(c.Score*riskScoreBins/100, 0), riskScoreBins-1)
		counts[k][b]++
	}
	for k, cl := range riskClasses {
		data := make([]opts.BarData, riskScoreBins)
		for b, n := range counts[k] {
			data[b] = opts.BarData{Value: n}
		}
		bar.AddSeries(classSeriesName(l, cl), data, charts.WithBarChartOpts(opts.BarChart{Stack: "class", BarCategoryGap: "20%"}))
	}
	return bar
}

// classHistoryChart stacks the number of customers per risk class at each
// month-end and on the as-of date.
func classHistoryChart(l present.Lang, days []creditflow.Date, history []*risk.Scored) *charts.Bar {
	bar := charts.NewBar()
	bar.SetGlobalOptions(riskChartOptions("risk_history", "320px")...)
	bar.SetGlobalOptions(categoryXAxis(&opts.AxisLabel{Color: axisInk})) // labels that would overlap left out
	bar.SetXAxis(monthEndLabels(l, days))
	for k, cl := range riskClasses {
		data := make([]opts.BarData, len(history))
		for j, h := range history {
			n := 0
			for _, c := range h.Customers {
				if classIndex(c.RiskClass) == k {
					n++
				}
			}
			data[j] = opts.BarData{Value: n}
		}
		bar.AddSeries(classSeriesName(l, cl), data, charts.WithBarChartOpts(opts.BarChart{Stack: "class", BarCategoryGap: "35%"}))
	}
	return bar
}

// classExposureChart is a ring of the exposure per risk class.
func classExposureChart(l present.Lang, cs []creditflow.RiskScore, cur string) *charts.Pie {
	sums := make([]creditflow.Money, len(riskClasses))
	for _, c := range cs {
		if k := classIndex(c.RiskClass); k >= 0 && c.Exposure > 0 {
			sums[k] += c.Exposure
		}
	}
	pie := charts.NewPie()
	pie.SetGlobalOptions(chartOptions("risk_exposure", "320px")...)
	pie.SetGlobalOptions(charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item",
		Formatter: opts.FuncOpts(`function (p) {
	return p.marker + p.name + ': ' + ` + l.MoneyJS(cur, "Number(p.value)") + ` + ' (' + ` + percentJS(l, "p.percent") + ` + ')';
}`)}))
	data := make([]opts.PieData, len(riskClasses))
	for k, cl := range riskClasses {
		data[k] = opts.PieData{Name: classSeriesName(l, cl), Value: sums[k].Float64(),
			ItemStyle: &opts.ItemStyle{Color: view.BucketColors[k], BorderColor: "#fff", BorderWidth: 2}}
	}
	pie.AddSeries(l.T("Exposure"), data,
		charts.WithPieChartOpts(opts.PieChart{Radius: []string{"38%", "60%"}, Center: []string{"50%", "45%"}}),
		charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Color: "#2b3445",
			Formatter: string(opts.FuncOpts(`function (p) { return p.name.slice(-1) + ' ' + Math.round(p.percent) + '%'; }`))}))
	return pie
}

// percentJS is a JavaScript expression that writes the percentage expr as
// l writes one, with one decimal: "12.5%"; in Dutch "12,5%".
func percentJS(l present.Lang, expr string) string {
	return "Number(" + expr + ").toLocaleString('" + l.Code() + "', {minimumFractionDigits: 1, maximumFractionDigits: 1}) + '%'"
}

// escapeJS is a JavaScript function that escapes text for the HTML of a
// tooltip: ECharts puts what a formatter returns into the page as HTML,
// and invoice numbers come from the ledger.
const escapeJS = `function (s) { return String(s).replace(/[&<>"']/g, function (c) { return '&#' + c.charCodeAt(0) + ';'; }); }`

// delayChart plots the days late of each invoice against its due date:
// paid invoices as dots, open ones (at least this late so far) as rings.
// A detected change is marked at its date, with the average delay before
// and after it.
func delayChart(l present.Lang, points []risk.DelayPoint, ch creditflow.BehaviourChange, cur string) *charts.Scatter {
	sc := charts.NewScatter()
	sc.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{ChartID: "customer_delays", Width: "100%", Height: "340px",
			AssetsHost: "/static/", Renderer: "canvas"}),
		charts.WithColorsOpts(opts.Colors{"#24518a", "#d4513d"}),
		charts.WithAnimation(false),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0", Left: "center",
			ItemWidth: 12, ItemHeight: 12, TextStyle: &opts.TextStyle{Color: "#2b3445"}}),
		charts.WithGridOpts(opts.Grid{Left: "8", Right: "24", Top: "28", Bottom: "40", ContainLabel: opts.Bool(true)}),
		charts.WithXAxisOpts(opts.XAxis{Type: "time", AxisLabel: &opts.AxisLabel{Color: axisInk}, AxisLine: axisLine()}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: l.T("days late"), NameGap: 12, AxisLabel: &opts.AxisLabel{Color: axisInk},
			SplitLine: gridLines()}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item", Formatter: opts.FuncOpts(`function (p) {
	var esc = ` + escapeJS + `;
	if (p.componentType !== 'series') { return esc(p.name); }
	var v = p.value;
	var amount = ` + l.MoneyJS(cur, "Number(v[2])") + `;
	var days = (v[3] ? ` + jsQuote(l.T("open, at least ")) + ` : ` + jsQuote(l.T("paid ")) + `) + v[1] + ` + jsQuote(l.T(" days late")) + `;
	return p.marker + esc(p.name) + ' · ' + amount + '<br>' + ` + jsQuote(l.T("due ")) + ` + esc(v[0]) + ' · ' + days;
}`)}),
	)
	var paid, open []opts.ScatterData
	for _, pt := range points {
		v := opts.ScatterData{Name: view.Text(pt.InvoiceID), Value: []any{pt.DueDate.String(), app.RoundDays(pt.DaysLate), pt.Amount.Float64(), pt.Censored}}
		if pt.Censored {
			open = append(open, v)
		} else {
			paid = append(paid, v)
		}
	}
	changed := ch.Detected && !ch.ChangeDate.IsZero() && len(points) > 0
	// The axis runs over whole months, from the first due date (or the
	// change) to the last.
	if len(points) > 0 {
		first, last := points[0].DueDate, points[len(points)-1].DueDate
		if changed {
			first = creditflow.Date{Time: minTime(first.Time, ch.ChangeDate.Time)}
			last = creditflow.Date{Time: maxTime(last.Time, ch.ChangeDate.Time)}
		}
		sc.SetGlobalOptions(charts.WithXAxisOpts(opts.XAxis{Type: "time", Min: monthStart(first, 0).String(), Max: monthStart(last, 1).String(),
			AxisLabel: &opts.AxisLabel{Color: axisInk}, AxisLine: axisLine()}))
	}
	lines := []any{markLineEnd{Name: l.T("due date"), YAxis: 0, Label: &opts.Label{Show: opts.Bool(false)},
		LineStyle: &opts.LineStyle{Color: "#8a94a6", Type: "solid", Width: 1}}}
	if changed {
		lines = append(lines, markLineEnd{Name: l.Tf("change %s", l.LongDate(ch.ChangeDate)), XAxis: ch.ChangeDate.String(),
			Label:     &opts.Label{Show: opts.Bool(true), Formatter: "{b}", Position: "end", Color: "#b3261e", FontWeight: "bold"},
			LineStyle: &opts.LineStyle{Color: "#d4513d", Type: "dashed", Width: 1.5}})
		if ch.Kind != risk.ChangeSilence {
			first, last := points[0].DueDate, points[len(points)-1].DueDate
			avg := func(name string, from, to creditflow.Date, days float64, color, pos string) []markLineEnd {
				return []markLineEnd{
					{Name: l.Tf(name, l.Number(days)), Coord: []any{from.String(), app.RoundDays(days)},
						Label:     &opts.Label{Show: opts.Bool(true), Formatter: "{b}", Position: pos, Color: color},
						LineStyle: &opts.LineStyle{Color: color, Type: "solid", Width: 2}},
					{Coord: []any{to.String(), app.RoundDays(days)}},
				}
			}
			if first.Before(ch.ChangeDate.Time) {
				lines = append(lines, avg("before: %s days late", first, ch.ChangeDate, ch.BeforeDays, "#2c7a52", "insideMiddleTop"))
			}
			if last.After(ch.ChangeDate.Time) {
				lines = append(lines, avg("since: %s days late", ch.ChangeDate, last, ch.AfterDays, "#b3261e", "insideEndTop"))
			}
		}
	}
	paidOpts := []charts.SeriesOpts{
		charts.WithScatterChartOpts(opts.ScatterChart{SymbolSize: 7}),
		charts.WithItemStyleOpts(opts.ItemStyle{Opacity: opts.Float(0.75)}),
		charts.WithMarkLineStyleOpts(opts.MarkLineStyle{Symbol: []string{"none", "none"}}),
		charts.WithSeriesOpts(func(s *charts.SingleSeries) { s.MarkLines.Data = append(s.MarkLines.Data, lines...) }),
	}
	sc.AddSeries(l.T("Paid"), paid, paidOpts...)
	sc.AddSeries(l.T("Open (so far)"), open,
		charts.WithScatterChartOpts(opts.ScatterChart{SymbolSize: 8, Symbol: "emptyCircle"}))
	return sc
}

// markLineEnd is one end of an ECharts mark line, with its own label and
// style (the mark-line options of go-echarts share one style per series).
type markLineEnd struct {
	Name      string          `json:"name,omitempty"`
	XAxis     any             `json:"xAxis,omitempty"`
	YAxis     any             `json:"yAxis,omitempty"`
	Coord     []any           `json:"coord,omitempty"`
	Label     *opts.Label     `json:"label,omitempty"`
	LineStyle *opts.LineStyle `json:"lineStyle,omitempty"`
}

// monthStart is the first day of d's month, moved by n months.
func monthStart(d creditflow.Date, n int) creditflow.Date {
	y, m, _ := d.Date()
	return creditflow.Date{Time: time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)}
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// limitChart sets the exposure, split into overdue and not yet due,
// against the credit limit and the recommended limit.
func limitChart(l present.Lang, lim creditflow.CreditLimit, items []creditflow.OpenItem, cur string) *charts.Bar {
	var overdue creditflow.Money
	for _, it := range items {
		if it.DaysPastDue > 0 && it.OpenAmount > 0 {
			overdue += it.OpenAmount
		}
	}
	exposure := max(lim.Exposure, 0)
	overdue = min(overdue, exposure)
	notDue := exposure - overdue

	bar := charts.NewBar()
	bar.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{ChartID: "customer_limit", Width: "100%", Height: "210px",
			AssetsHost: "/static/", Renderer: "canvas"}),
		charts.WithColorsOpts(opts.Colors{view.BucketColors[0], view.BucketColors[3], "#24518a"}),
		charts.WithAnimation(false),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0", Left: "center", Icon: "roundRect",
			ItemWidth: 12, ItemHeight: 12, TextStyle: &opts.TextStyle{Color: "#2b3445"}}),
		charts.WithGridOpts(opts.Grid{Left: "8", Right: "24", Top: "8", Bottom: "36", ContainLabel: opts.Bool(true)}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item", ValueFormatter: view.MoneyFormatter(l, cur)}),
		charts.WithXAxisOpts(opts.XAxis{Type: "value", AxisLabel: moneyLabel(l), SplitLine: gridLines()}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Inverse: opts.Bool(true), AxisLabel: &opts.AxisLabel{Color: "#2b3445"}, AxisLine: axisLine()}),
	)
	bar.SetXAxis([]string{l.T("Exposure"), l.T("Credit limit"), l.T("Recommended")}).XYReversal()
	stack := charts.WithBarChartOpts(opts.BarChart{Stack: "x", BarCategoryGap: "28%"})
	bar.AddSeries(l.T("Not yet due"), []opts.BarData{{Value: notDue.Float64()}, {Value: "-"}, {Value: "-"}}, stack)
	bar.AddSeries(l.T("Overdue"), []opts.BarData{{Value: overdue.Float64()}, {Value: "-"}, {Value: "-"}}, stack)
	bar.AddSeries(l.T("Limit"), []opts.BarData{{Value: "-"}, {Value: lim.CreditLimit.Float64()},
		{Value: lim.RecommendedLimit.Float64(), ItemStyle: &opts.ItemStyle{Color: "#9fb3d1"}}}, stack)
	return bar
}
