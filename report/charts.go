package report

import (
	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/present"
	"github.com/creditflow/creditflow/present/view"
	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/go-echarts/go-echarts/v2/types"
)

// forecastSeries are the names of the series of the forecast chart in a
// language; its tooltip formatter knows them.
type forecastSeries struct{ fromOpen, fromNew, p10, band, p50 string }

func forecastSeriesIn(l present.Lang) forecastSeries {
	return forecastSeries{fromOpen: l.T("From open invoices"), fromNew: l.T("From new invoices"), p10: "P10",
		band: l.T("P10–P90 band"), p50: l.T("Median (P50)")}
}

// forecastChart stacks the expected receipts of each week from open and
// from new invoices as bars, with the P10–P90 range as a band behind them
// and the median as a line, in l.
func forecastChart(l present.Lang, weeks []creditflow.ForecastWeek, cur string) *charts.Bar {
	series := forecastSeriesIn(l)
	seriesFromOpen, seriesFromNew, seriesP10, seriesBand, seriesP50 := series.fromOpen, series.fromNew, series.p10, series.band, series.p50
	bar := charts.NewBar()
	bar.SetGlobalOptions(reportChartOptions("forecast_weeks", "360px")...)
	bar.SetGlobalOptions(
		charts.WithColorsOpts(opts.Colors{"#24518a", "#8fb3e0", "#7a8496", "#c9d6ea", "#1d2433"}),
		// The P10 series only carries the band; the legend leaves it out.
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0", Left: "center", Icon: "roundRect",
			ItemWidth: 12, ItemHeight: 12, TextStyle: &opts.TextStyle{Color: "#2b3445"},
			Data: []string{seriesFromOpen, seriesFromNew, seriesBand, seriesP50}}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis", Formatter: forecastTooltipJS(l, series, cur),
			AxisPointer: &opts.AxisPointer{Type: "shadow"}}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", AxisLabel: &opts.AxisLabel{Formatter: view.CompactFormatter(l), Color: "#5b6577"},
			SplitLine: &opts.SplitLine{Show: opts.Bool(true), LineStyle: &opts.LineStyle{Color: "#e6e9ef"}}}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", AxisLabel: &opts.AxisLabel{Color: "#5b6577", Interval: "0"},
			AxisTick: &opts.AxisTick{Show: opts.Bool(false)}, AxisLine: &opts.AxisLine{LineStyle: &opts.LineStyle{Color: "#c9cfd9"}}}),
	)
	labels := make([]string, len(weeks))
	open := make([]opts.BarData, len(weeks))
	fresh := make([]opts.BarData, len(weeks))
	p10 := make([]opts.LineData, len(weeks))
	band := make([]opts.LineData, len(weeks))
	p50 := make([]opts.LineData, len(weeks))
	for i, w := range weeks {
		labels[i] = view.DayMonth(l, w.WeekStart)
		open[i] = opts.BarData{Value: w.FromOpen.Float64()}
		fresh[i] = opts.BarData{Value: w.FromNew.Float64()}
		p10[i] = opts.LineData{Value: w.P10.Float64()}
		band[i] = opts.LineData{Value: (w.P90 - w.P10).Float64()}
		p50[i] = opts.LineData{Value: w.P50.Float64()}
	}
	bar.SetXAxis(labels)
	bar.AddSeries(seriesFromOpen, open, charts.WithBarChartOpts(opts.BarChart{Stack: "cash", BarCategoryGap: "35%"}))
	bar.AddSeries(seriesFromNew, fresh, charts.WithBarChartOpts(opts.BarChart{Stack: "cash"}))

	line := charts.NewLine()
	line.SetXAxis(labels)
	noLine := charts.WithLineStyleOpts(opts.LineStyle{Opacity: opts.Float(0)})
	line.AddSeries(seriesP10, p10, charts.WithLineChartOpts(opts.LineChart{Stack: "band", ShowSymbol: opts.Bool(false)}), noLine)
	line.AddSeries(seriesBand, band, charts.WithLineChartOpts(opts.LineChart{Stack: "band", ShowSymbol: opts.Bool(false)}), noLine,
		charts.WithAreaStyleOpts(opts.AreaStyle{Color: "rgba(47, 111, 208, 0.16)"}))
	line.AddSeries(seriesP50, p50, charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}),
		charts.WithLineStyleOpts(opts.LineStyle{Type: "dashed", Width: 2, Color: "#1d2433"}))
	bar.Overlap(line)
	return bar
}

// forecastTooltipJS lists a week's figures, turning the band (stacked on
// P10) back into P90. cur has been checked by currencyCode.
func forecastTooltipJS(l present.Lang, s forecastSeries, cur string) types.FuncStr {
	seriesP10, seriesBand := present.JSString(s.p10), present.JSString(s.band)
	return opts.FuncOpts(`function (ps) {
	var fmt = function (v) { return ` + l.MoneyJS(cur, "Number(v)") + `; };
	var out = ps.length ? ps[0].axisValueLabel : '';
	var p10 = 0;
	ps.forEach(function (p) {
		if (p.seriesName === ` + seriesP10 + `) { p10 = Number(p.value); }
		if (p.seriesName === ` + seriesBand + `) {
			out += '<br>' + p.marker + 'P90: ' + fmt(p10 + Number(p.value));
			return;
		}
		out += '<br>' + p.marker + p.seriesName + ': ' + fmt(p.value);
	});
	return out;
}`)
}

// agingBucketChart shows the open amount of each aging bucket on the as-of
// date as one bar each, in the bucket colours.
func agingBucketChart(l present.Lang, amounts []creditflow.Money, cur string) *charts.Bar {
	bar := charts.NewBar()
	bar.SetGlobalOptions(reportChartOptions("aging_buckets", "300px")...)
	bar.SetGlobalOptions(
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis", ValueFormatter: view.MoneyFormatter(l, cur),
			AxisPointer: &opts.AxisPointer{Type: "shadow"}}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", AxisLabel: &opts.AxisLabel{Formatter: view.CompactFormatter(l), Color: "#5b6577"},
			SplitLine: &opts.SplitLine{Show: opts.Bool(true), LineStyle: &opts.LineStyle{Color: "#e6e9ef"}}}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", AxisLabel: &opts.AxisLabel{Color: "#5b6577", Interval: "0"},
			AxisTick: &opts.AxisTick{Show: opts.Bool(false)}}),
	)
	labels := make([]string, len(creditflow.AgingBucketLabels))
	data := make([]opts.BarData, len(creditflow.AgingBucketLabels))
	for i, b := range creditflow.AgingBucketLabels {
		labels[i] = view.BucketTitle(l, b)
		var a creditflow.Money
		if i < len(amounts) {
			a = amounts[i]
		}
		data[i] = opts.BarData{Value: a.Float64(), ItemStyle: &opts.ItemStyle{Color: view.BucketColors[i]}}
	}
	bar.SetXAxis(labels)
	bar.AddSeries(l.T("Open amount"), data, charts.WithBarChartOpts(opts.BarChart{BarCategoryGap: "35%"}))
	return bar
}

// reportChartOptions are the options of the report's charts. The assets
// host does not matter: the page inlines the library and only uses the
// charts' snippets.
func reportChartOptions(id, height string) []charts.GlobalOpts {
	return []charts.GlobalOpts{
		charts.WithInitializationOpts(opts.Initialization{ChartID: id, Width: "100%", Height: height,
			AssetsHost: "/static/", Renderer: "canvas"}),
		charts.WithAnimation(false),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0", Left: "center", Icon: "roundRect",
			ItemWidth: 12, ItemHeight: 12, TextStyle: &opts.TextStyle{Color: "#2b3445"}}),
		charts.WithGridOpts(opts.Grid{Left: "8", Right: "24", Top: "16", Bottom: "40", ContainLabel: opts.Bool(true)}),
	}
}
