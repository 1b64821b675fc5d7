package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/present"
	"github.com/creditflow/creditflow/present/view"
	"github.com/creditflow/creditflow/risk"
	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"golang.org/x/sync/errgroup"
)

// The overview shows a fixed amount of detail; the JSON API pages further.
const (
	overviewItems     = 50 // open items, most days past due first
	overviewCustomers = 10 // customers by open amount
	overviewSegments  = 8  // segments in the segment chart
	overviewMonths    = 12 // bars in the aging history, the as-of date included
	overviewItemsSort = risk.SortDaysPastDue
)

// overviewPage is the data of overview.html. Everything is formatted here,
// so that the template only places strings.
type overviewPage struct {
	pageHead

	Currency     string
	Cards        []view.Card
	AgingChart   view.Chart
	SegmentChart view.Chart
	Buckets      []bucketHead
	Customers    []customerRow
	Items        []openItemRow
	ItemsShown   string // "50 of 1,234 open items"
	ItemsAPI     string
	CustomersAPI string
}

type bucketHead struct {
	Label string // short, for a column header: "Not due", "1-30"
	Title string // long, for a tooltip: "Not yet due", "1-30 days"
	Class string
}

type bucketCell struct {
	Amount string
	Class  string
	Width  string // share of the customer's open total, as a CSS width
	Label  string
}

// customerRef is a customer as the tables name it: by its name (its id
// when it has none), which links to Link, with its id and, where the table
// shows it, its segment beside it (the "customer" template).
type customerRef struct {
	Link    string
	Name    string
	ID      string
	Segment string
}

// newCustomerRef refers to customer id, called name, at link.
func newCustomerRef(id, name, link string) customerRef {
	if name == "" {
		name = id
	}
	return customerRef{Link: link, Name: name, ID: id}
}

type customerRow struct {
	Customer customerRef
	Open     string
	Overdue  string
	Share    string
	Buckets  []bucketCell
}

type openItemRow struct {
	Customer customerRef
	itemCells
}

// itemCells are the columns that the tables of open items share (the
// "item-cells" template).
type itemCells struct {
	Invoice     string
	InvoiceDate string
	DueDate     string
	Open        string
	DaysPastDue string
	Bucket      string
	BucketClass string
	Disputed    bool
}

func newItemCells(l present.Lang, it creditflow.OpenItem) itemCells {
	return itemCells{Invoice: it.InvoiceID, InvoiceDate: l.Date(it.InvoiceDate), DueDate: l.Date(it.DueDate),
		Open: l.Amount(it.OpenAmount), DaysPastDue: l.Count(it.DaysPastDue),
		Bucket: view.BucketTitle(l, it.Bucket), BucketClass: bucketClass(it.Bucket), Disputed: it.Disputed}
}

// handleOverview renders the overview dashboard for ?as_of=YYYY-MM-DD,
// today by default.
func (s *Server) handleOverview(w http.ResponseWriter, r *http.Request, sess *session) {
	servePage(s, w, r, sess, pageSpec{nav: "overview", template: "overview.html", failed: "The figures could not be loaded."},
		&overviewPage{}, s.loadOverview, (*overviewData).fill)
}

// overviewData is what the overview reads from the ledger.
type overviewData struct {
	asOf       creditflow.Date
	kpis       creditflow.KPIs
	history    []creditflow.Aging // oldest first, the as-of date last
	historyOn  []creditflow.Date
	segments   []creditflow.AgingGroup
	customers  []creditflow.AgingGroup
	items      []creditflow.OpenItem
	itemsTotal int
}

// loadOverview runs the queries of the page at the same time: DuckDB serves
// concurrent readers, and the page takes as long as its slowest query. The
// first error cancels the others.
func (s *Server) loadOverview(ctx context.Context, asOf creditflow.Date) (*overviewData, error) {
	g, ctx := errgroup.WithContext(ctx)
	d := &overviewData{asOf: asOf, historyOn: app.MonthEnds(asOf, overviewMonths)}

	run := func(what string, f func() error) { g.Go(app.Labelled(what, f)) }
	run("kpis", func() (err error) {
		d.kpis, err = risk.ComputeKPIs(ctx, s.db, asOf)
		return err
	})
	run("aging history", func() (err error) {
		d.history, err = risk.AgingHistory(ctx, s.db, d.historyOn)
		return err
	})
	run("aging by segment", func() (err error) {
		d.segments, err = risk.AgingByGroup(ctx, s.db, asOf, risk.GroupSegment, overviewSegments, 0)
		return err
	})
	run("aging by customer", func() (err error) {
		d.customers, err = risk.AgingByGroup(ctx, s.db, asOf, risk.GroupCustomer, overviewCustomers, 0)
		return err
	})
	run("open items", func() (err error) {
		d.items, d.itemsTotal, err = risk.OpenItems(ctx, s.db, risk.OpenItemsQuery{
			AsOf: asOf, Sort: overviewItemsSort, Limit: overviewItems})
		return err
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if len(d.history) != len(d.historyOn) {
		return nil, fmt.Errorf("aging history: %d agings for %d dates", len(d.history), len(d.historyOn))
	}
	return d, nil
}

// fill formats d into the page and builds its charts. The chart objects are
// made here, per request: rendering them changes them.
func (d *overviewData) fill(p *overviewPage) error {
	cur := view.CurrencyCode(d.kpis.Currency)
	p.Currency = view.CurrencyName(p.Lang, cur)
	k, l := d.kpis, p.Lang

	p.Cards = overviewCards(l, k, cur)

	for i, b := range creditflow.AgingBucketLabels {
		p.Buckets = append(p.Buckets, bucketHead{Label: view.BucketShort(l, b), Title: view.BucketTitle(l, b), Class: fmt.Sprintf("b%d", i)})
	}
	for _, c := range d.customers {
		row := customerRow{Customer: newCustomerRef(c.Key, c.Name, customerLink(c.Key, d.asOf)),
			Open: l.Amount(c.OpenTotal), Overdue: l.Amount(c.OverdueTotal)}
		if c.OpenTotal > 0 {
			row.Share = l.Percent(100 * float64(c.OverdueTotal) / float64(c.OpenTotal))
		}
		amounts := view.BucketAmounts(c.Buckets)
		for i, a := range amounts {
			cell := bucketCell{Amount: l.Amount(a), Class: fmt.Sprintf("b%d", i), Label: view.BucketTitle(l, creditflow.AgingBucketLabels[i])}
			if a > 0 && c.OpenTotal > 0 {
				cell.Width = view.MeterWidth(100 * float64(a) / float64(c.OpenTotal))
			}
			row.Buckets = append(row.Buckets, cell)
		}
		p.Customers = append(p.Customers, row)
	}
	for _, it := range d.items {
		p.Items = append(p.Items, openItemRow{
			Customer: newCustomerRef(it.CustomerID, it.CustomerName, customerLink(it.CustomerID, d.asOf)), itemCells: newItemCells(l, it)})
	}
	p.ItemsShown = l.Tf("%s of %s open items", l.Count(len(d.items)), l.Count(d.itemsTotal))
	p.ItemsAPI = "/api/open-items?" + url.Values{"as_of": {d.asOf.String()}, "sort": {overviewItemsSort}, "limit": {"1000"}}.Encode()
	p.CustomersAPI = "/api/aging?" + url.Values{"as_of": {d.asOf.String()}, "group": {"customer"}}.Encode()

	var err error
	if p.AgingChart, err = view.Render(agingHistoryChart(l, d, cur)); err != nil {
		return fmt.Errorf("aging history chart: %w", err)
	}
	if p.SegmentChart, err = view.Render(segmentChart(l, d.segments, cur)); err != nil {
		return fmt.Errorf("segment chart: %w", err)
	}
	return nil
}

// overviewCards are the indicators at the top of the overview, in l.
func overviewCards(l present.Lang, k creditflow.KPIs, cur string) []view.Card {
	return []view.Card{
		{ID: "open", Label: l.T("Open receivables"), Value: l.Money(cur, k.OpenTotal),
			Detail: l.Plural(k.OpenItems, "%s open item", "%s open items") + " · " + l.Plural(k.Customers, "%s customer", "%s customers"),
			Hint:   l.T("Everything invoiced and not yet paid on the as-of date.")},
		{ID: "overdue", Label: l.T("Overdue"), Value: l.Money(cur, k.OverdueTotal),
			Detail: l.Tf("%s of open receivables", l.Percent(k.OverdueShare*100)),
			Hint:   l.T("The open amount past its due date."), Meter: view.MeterWidth(k.OverdueShare * 100)},
		{ID: "unapplied", Label: l.T("Unapplied credit"), Value: l.Money(cur, k.UnappliedCredit),
			Detail: l.T("payments and credit notes not matched to an invoice"),
			Hint:   l.T("Received or credited, not yet set against an open invoice; it lowers what customers really owe.")},
		{ID: "dso", Label: l.T("DSO"), Value: l.Days(k.DSO),
			Detail: l.T("days sales outstanding (countback)"),
			Hint:   l.T("How many days of the most recent sales the open receivables make up.")},
		{ID: "bpdso", Label: l.T("Best-possible DSO"), Value: l.Days(k.BestPossibleDSO),
			Detail: l.T("DSO of the part not yet due"),
			Hint:   l.T("The DSO if every customer paid on its due date.")},
		{ID: "add", Label: l.T("ADD"), Value: l.Days(k.ADD),
			Detail: l.T("average days delinquent (DSO − best-possible)"),
			Hint:   l.T("The days that late payment adds to DSO.")},
		{ID: "cei", Label: l.T("CEI 30 / 90 days"), Value: l.Percent(k.CEI30) + " / " + l.Percent(k.CEI90),
			Detail: l.T("collection effectiveness index"),
			Hint:   l.T("Share of what was collectable in the last 30 and 90 days that was collected; 100% is everything."),
			Meter:  view.MeterWidth(k.CEI90)},
		{ID: "dtp", Label: l.T("Days to pay / late"), Value: l.Number(k.WeightedDaysToPay) + " / " + l.Days(k.WeightedDaysLate),
			Detail: l.T("amount-weighted, invoices settled in the last 90 days"),
			Hint:   l.T("Days from invoice date to payment, and from due date to payment, weighted by amount.")},
	}
}

// agingHistoryChart stacks the aging buckets of each month-end, and of the
// as-of date last, into one bar each.
func agingHistoryChart(l present.Lang, d *overviewData, cur string) *charts.Bar {
	bar := charts.NewBar()
	bar.SetGlobalOptions(chartOptions("aging_history", "340px")...)
	// Every month is labelled where there is room; on a phone ECharts
	// leaves out the labels that would overlap.
	bar.SetGlobalOptions(moneyTooltip(l, cur), moneyYAxis(l), categoryXAxis(&opts.AxisLabel{Color: axisInk}))
	bar.SetXAxis(monthEndLabels(l, d.historyOn))
	for i, b := range creditflow.AgingBucketLabels {
		data := make([]opts.BarData, len(d.history))
		for j, a := range d.history {
			data[j] = opts.BarData{Value: view.BucketAmounts(a.Buckets)[i].Float64()}
		}
		bar.AddSeries(view.BucketTitle(l, b), data, charts.WithBarChartOpts(opts.BarChart{Stack: "aging", BarCategoryGap: "35%"}))
	}
	return bar
}

// segmentChart shows the aging of the largest segments as horizontal
// stacked bars, the largest on top.
func segmentChart(l present.Lang, segments []creditflow.AgingGroup, cur string) *charts.Bar {
	bar := charts.NewBar()
	bar.SetGlobalOptions(chartOptions("aging_segments", "340px")...)
	bar.SetGlobalOptions(
		moneyTooltip(l, cur),
		charts.WithXAxisOpts(opts.XAxis{Type: "value", AxisLabel: moneyLabel(l), SplitLine: gridLines()}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Inverse: opts.Bool(true),
			AxisLabel: &opts.AxisLabel{Color: "#2b3445", Width: 110, Overflow: "truncate"}, AxisLine: axisLine()}),
	)
	names := make([]string, len(segments))
	for i, g := range segments {
		names[i] = view.Text(g.Key)
		if names[i] == "" {
			names[i] = l.T("(no segment)")
		}
	}
	bar.SetXAxis(names).XYReversal()
	for i, b := range creditflow.AgingBucketLabels {
		data := make([]opts.BarData, len(segments))
		for j, g := range segments {
			data[j] = opts.BarData{Value: view.BucketAmounts(g.Buckets)[i].Float64()}
		}
		bar.AddSeries(view.BucketTitle(l, b), data, charts.WithBarChartOpts(opts.BarChart{Stack: "aging", BarCategoryGap: "30%"}))
	}
	return bar
}

// monthEndLabels are the labels of an axis of month-ends and, last, the
// as-of date: "Jan '25" ... "18 Jun"; in Dutch "jan '25" ... "18 jun".
func monthEndLabels(l present.Lang, days []creditflow.Date) []string {
	labels := make([]string, len(days))
	for i, day := range days {
		labels[i] = view.MonthLabel(l, day)
		if i == len(days)-1 {
			labels[i] = view.DayMonth(l, day)
		}
	}
	return labels
}

// chartOptions are the options that both charts share: the service's own
// echarts (no CDN), the bucket colours, no animation (the numbers should
// simply be there) and a legend below the plot.
func chartOptions(id, height string) []charts.GlobalOpts {
	return []charts.GlobalOpts{
		charts.WithInitializationOpts(opts.Initialization{ChartID: id, Width: "100%", Height: height,
			AssetsHost: "/static/", Renderer: "canvas"}),
		charts.WithColorsOpts(opts.Colors(view.BucketColors)),
		charts.WithAnimation(false),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0", Left: "center", Icon: "roundRect",
			ItemWidth: 12, ItemHeight: 12, TextStyle: &opts.TextStyle{Color: "#2b3445"}}),
		charts.WithGridOpts(opts.Grid{Left: "8", Right: "24", Top: "16", Bottom: "56", ContainLabel: opts.Bool(true)}), // room for a legend of two lines on a phone
	}
}

// The inks of the charts' axes, as app.css has them.
const (
	axisInk = "#5b6577" // labels
	gridInk = "#e6e9ef" // the lines across the plot
	lineInk = "#c9cfd9" // the axis itself
)

// moneyLabel labels an axis of amounts in l: 1.2M, 350k.
func moneyLabel(l present.Lang) *opts.AxisLabel {
	return &opts.AxisLabel{Formatter: view.CompactFormatter(l), Color: axisInk, HideOverlap: opts.Bool(true)}
}

// gridLines are the lines across the plot at the values of an axis.
func gridLines() *opts.SplitLine {
	return &opts.SplitLine{Show: opts.Bool(true), LineStyle: &opts.LineStyle{Color: gridInk}}
}

// axisLine is the line of a category or time axis.
func axisLine() *opts.AxisLine { return &opts.AxisLine{LineStyle: &opts.LineStyle{Color: lineInk}} }

// categoryXAxis is an x axis of categories, labelled with label, without
// ticks.
func categoryXAxis(label *opts.AxisLabel) charts.GlobalOpts {
	return charts.WithXAxisOpts(opts.XAxis{Type: "category", AxisLabel: label, AxisTick: &opts.AxisTick{Show: opts.Bool(false)}, AxisLine: axisLine()})
}

// moneyYAxis is a y axis of amounts in l.
func moneyYAxis(l present.Lang) charts.GlobalOpts {
	return charts.WithYAxisOpts(opts.YAxis{Type: "value", AxisLabel: moneyLabel(l), SplitLine: gridLines()})
}

// moneyTooltip shows the amount of every series at the category under the
// pointer.
func moneyTooltip(l present.Lang, cur string) charts.GlobalOpts {
	return charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis", ValueFormatter: view.MoneyFormatter(l, cur),
		AxisPointer: &opts.AxisPointer{Type: "shadow"}})
}

// bucketClass is the CSS class of a bucket badge.
func bucketClass(label string) string {
	for i, l := range creditflow.AgingBucketLabels {
		if l == label {
			return fmt.Sprintf("b%d", i)
		}
	}
	return ""
}
