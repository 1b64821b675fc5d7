package report

import (
	"bytes"
	"cmp"
	"context"
	"embed"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/present"
	"github.com/creditflow/creditflow/present/view"
	"github.com/creditflow/creditflow/present/xlsx"
	"github.com/creditflow/creditflow/risk"
	"github.com/creditflow/creditflow/web/static"
	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/go-echarts/go-echarts/v2/types"
	"github.com/xuri/excelize/v2"
	"golang.org/x/sync/errgroup"
)

// The weekly report shows a fixed amount of detail.
const (
	reportWeeks     = 13 // weeks of cash forecast
	reportAlerts    = 20 // newest risk alerts
	reportCustomers = 15 // customers by expected cash
	reportWorklist  = 20 // top of the collection worklist
)

//go:embed report.html
var templateFile embed.FS

// pageTemplate is report.html.
var pageTemplate = template.Must(template.New("").Funcs(template.FuncMap{"join": strings.Join}).ParseFS(templateFile, "report.html"))

// Names of the files Write writes.
const (
	HTMLFile = "report.html"
	XLSXFile = "report.xlsx"
)

// Files are the files of a written weekly report and its headline
// figures, for the mail that carries it.
type Files struct {
	HTML    string
	XLSX    string
	Summary Summary
}

// Summary is the headline of a weekly report. Money is in Currency.
type Summary struct {
	AsOf         creditflow.Date
	Currency     string
	OpenTotal    creditflow.Money
	OverdueTotal creditflow.Money
	OverdueShare float64 // fraction in [0,1]
	// CashNextWeek and Cash13Weeks are the expected receipts of the first
	// forecast week and of all 13.
	CashNextWeek creditflow.Money
	Cash13Weeks  creditflow.Money
	CashP10      creditflow.Money // sum of the weekly P10s: a cautious view of the 13 weeks
	DSO          float64          // days
	DSOChange    float64          // days since a week earlier
	Alerts       int              // customers whose payment behaviour changed
	RecentAlerts int              // of them, those whose change is dated in the last 28 days
}

// Subject is the subject line of the report's mail.
func (s Summary) Subject() string {
	return "creditflow weekly report " + s.AsOf.String()
}

// Text is the headline as plain text, one figure a line.
func (s Summary) Text() string {
	cur := view.CurrencyCode(s.Currency)
	var b strings.Builder
	fmt.Fprintf(&b, "Weekly receivables report as of %s.\n\n", s.AsOf)
	fmt.Fprintf(&b, "Open receivables:        %s\n", present.EN.Money(cur, s.OpenTotal))
	fmt.Fprintf(&b, "Overdue:                 %s (%s)\n", present.EN.Money(cur, s.OverdueTotal), present.EN.Percent(100*s.OverdueShare))
	fmt.Fprintf(&b, "DSO:                     %s (%s since last week)\n", present.EN.Days(s.DSO), signed(s.DSOChange, " days"))
	fmt.Fprintf(&b, "Expected cash next week: %s\n", present.EN.Money(cur, s.CashNextWeek))
	fmt.Fprintf(&b, "Expected cash, 13 weeks: %s (sum of weekly P10s %s)\n", present.EN.Money(cur, s.Cash13Weeks), present.EN.Money(cur, s.CashP10))
	fmt.Fprintf(&b, "Risk alerts:             %d (%d changed in the last 4 weeks)\n", s.Alerts, s.RecentAlerts)
	b.WriteString("\nThe report is attached: report.html opens in any browser, offline; report.xlsx holds the same tables.\n")
	return b.String()
}

// reportData is what the weekly report reads from the ledger.
type reportData struct {
	asOf      creditflow.Date
	generated time.Time
	forecast  creditflow.Forecast
	aging     creditflow.Aging
	kpis      creditflow.KPIs // on asOf
	kpisPrev  creditflow.KPIs // on asOf - 7 days
	alerts    []creditflow.Alert
	// worklist is the top of the collection worklist.
	worklist []worklistRow
}

// worklistRow is one line of the collection worklist in the report.
type worklistRow struct {
	CustomerID string
	Name       string
	Action     string
	Open       creditflow.Money
	DueOn      creditflow.Date
}

// worklistRows returns the first actions of the collection worklist on
// asOf, by priority: the worklist of the pages and the CLI, weighted by the
// same risk scores.
func worklistRows(ctx context.Context, a *app.App, asOf creditflow.Date) ([]worklistRow, error) {
	wl, err := a.WorklistTop(ctx, asOf, reportWorklist)
	if err != nil {
		return nil, fmt.Errorf("worklist: %w", err)
	}
	rows := make([]worklistRow, 0, len(wl.Tasks))
	for _, t := range wl.Tasks {
		rows = append(rows, worklistRow{CustomerID: t.CustomerID, Name: t.Name,
			Action: t.Step + " (" + string(t.Channel) + ")", Open: t.AmountOverdue, DueOn: t.DueSince})
	}
	return rows, nil
}

// Write writes the weekly report on asOf into dir (created if needed):
// report.html, one self-contained page that opens offline, and report.xlsx
// with the same tables, stamped with the application's clock.
func Write(ctx context.Context, a *app.App, asOf creditflow.Date, dir string) (Files, error) {
	if asOf.IsZero() {
		return Files{}, fmt.Errorf("report: %w: as-of date is required", creditflow.ErrInvalid)
	}
	d, err := load(ctx, a, asOf)
	if err != nil {
		return Files{}, fmt.Errorf("report on %s: %w", asOf, err)
	}
	html, err := d.html()
	if err != nil {
		return Files{}, fmt.Errorf("report on %s: html: %w", asOf, err)
	}
	book, err := d.workbook()
	if err != nil {
		return Files{}, fmt.Errorf("report on %s: xlsx: %w", asOf, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Files{}, fmt.Errorf("report: %w", err)
	}
	files := Files{HTML: filepath.Join(dir, HTMLFile), XLSX: filepath.Join(dir, XLSXFile), Summary: d.summary()}
	if err := writeFileAtomic(files.HTML, html); err != nil {
		return Files{}, fmt.Errorf("report: %w", err)
	}
	if err := writeFileAtomic(files.XLSX, book); err != nil {
		return Files{}, fmt.Errorf("report: %w", err)
	}
	return files, nil
}

// writeFileAtomic writes b to path through a temporary file and a rename,
// so that a reader never sees half a report.
func writeFileAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// load runs the report's analytics at the same time where they do not
// depend on each other: the scores (of the application, shared with the
// pages) feed both the forecast and the alerts. The first error cancels
// the others.
func load(ctx context.Context, a *app.App, asOf creditflow.Date) (*reportData, error) {
	g, ctx := errgroup.WithContext(ctx)
	db := a.DB()
	d := &reportData{asOf: asOf, generated: a.Now()}
	run := func(what string, f func() error) { g.Go(app.Labelled(what, f)) }
	run("scores", func() error {
		scored, err := a.Scores(ctx, asOf)
		if err != nil {
			return err
		}
		d.alerts = alertsOf(scored)
		if d.forecast, err = a.Forecast(ctx, asOf, reportWeeks); err != nil {
			return fmt.Errorf("forecast: %w", err)
		}
		return nil
	})
	run("aging", func() (err error) {
		d.aging, err = risk.AgingReport(ctx, db, asOf)
		return err
	})
	run("kpis", func() (err error) {
		d.kpis, err = risk.ComputeKPIs(ctx, db, asOf)
		return err
	})
	run("kpis a week earlier", func() (err error) {
		d.kpisPrev, err = risk.ComputeKPIs(ctx, db, asOf.AddDays(-7))
		return err
	})
	run("worklist", func() (err error) {
		d.worklist, err = worklistRows(ctx, a, asOf)
		return err
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return d, nil
}

// currency is the report's currency code.
func (d *reportData) currency() string {
	if d.kpis.Currency != "" {
		return view.CurrencyCode(d.kpis.Currency)
	}
	return view.CurrencyCode(d.forecast.Currency)
}

// alertsOf returns the customers whose payment behaviour changed, as the
// scoring of s.AsOf found them, the most recent change first (then the
// largest exposure).
//
// It does not call Engine.Alerts: that one dates each change by replaying
// the change test on the eight weeks before, which on a 1M-invoice ledger
// costs more than the rest of the report together (16 of 26 seconds) and
// would break its 20-second budget. The report dates a change by when it
// happened (ChangeDate) instead.
func alertsOf(s *risk.Scored) []creditflow.Alert {
	out := []creditflow.Alert{}
	for _, c := range s.Customers {
		ch := c.Change
		if !ch.Detected {
			continue
		}
		a := creditflow.Alert{CustomerID: c.CustomerID, Name: c.Name, Kind: ch.Kind, DetectedOn: ch.DetectedOn,
			Change: ch, Exposure: c.Exposure, Sentence: ch.Sentence}
		if a.DetectedOn.IsZero() {
			a.DetectedOn = s.AsOf
		}
		if a.Sentence == "" {
			a.Sentence = alertSentence(ch)
		}
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b creditflow.Alert) int {
		if c := b.Change.ChangeDate.Compare(a.Change.ChangeDate.Time); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Exposure, a.Exposure); c != 0 {
			return c
		}
		return strings.Compare(a.CustomerID, b.CustomerID)
	})
	return out
}

// alertSentence describes a change that came without a sentence.
func alertSentence(ch creditflow.BehaviourChange) string {
	if ch.Kind == "silence" {
		return "No payment since " + ch.ChangeDate.String() + "."
	}
	return fmt.Sprintf("Paid %s days late on average, now %s (%s since %s).",
		present.EN.Number(ch.BeforeDays), present.EN.Number(ch.AfterDays), ch.Kind, ch.ChangeDate)
}

// recentAlerts counts the alerts whose change is dated in the 28 days up
// to asOf.
func (d *reportData) recentAlerts() int {
	n := 0
	from := d.asOf.AddDays(-28)
	for _, a := range d.alerts {
		if a.Change.ChangeDate.After(from.Time) {
			n++
		}
	}
	return n
}

func (d *reportData) summary() Summary {
	s := Summary{AsOf: d.asOf, Currency: d.currency(), OpenTotal: d.kpis.OpenTotal,
		OverdueTotal: d.kpis.OverdueTotal, OverdueShare: d.kpis.OverdueShare,
		DSO: d.kpis.DSO, DSOChange: round1(d.kpis.DSO - d.kpisPrev.DSO), Alerts: len(d.alerts), RecentAlerts: d.recentAlerts()}
	for i, w := range d.forecast.Weeks {
		if i == 0 {
			s.CashNextWeek = w.Expected
		}
		s.Cash13Weeks += w.Expected
		s.CashP10 += w.P10
	}
	return s
}

// kpiKind says how a KPI is written and which way is better.
type kpiKind int

const (
	kpiMoney   kpiKind = iota // currency units
	kpiDays                   // days
	kpiPercent                // percent
	kpiCount                  // a count
)

// kpiDelta is one KPI now and a week earlier. Values are in the units of
// Kind (money in currency units).
type kpiDelta struct {
	ID, Label    string
	Kind         kpiKind
	Now, Before  float64
	HigherIsGood bool
}

func (k kpiDelta) change() float64 { return k.Now - k.Before }

func (d *reportData) kpiDeltas() []kpiDelta {
	a, b := d.kpis, d.kpisPrev
	return []kpiDelta{
		{"open", "Open receivables", kpiMoney, a.OpenTotal.Float64(), b.OpenTotal.Float64(), false},
		{"overdue", "Overdue", kpiMoney, a.OverdueTotal.Float64(), b.OverdueTotal.Float64(), false},
		{"overdue_share", "Overdue share", kpiPercent, round1(100 * a.OverdueShare), round1(100 * b.OverdueShare), false},
		{"unapplied", "Unapplied credit", kpiMoney, a.UnappliedCredit.Float64(), b.UnappliedCredit.Float64(), false},
		{"open_items", "Open items", kpiCount, float64(a.OpenItems), float64(b.OpenItems), false},
		{"dso", "DSO (countback)", kpiDays, a.DSO, b.DSO, false},
		{"bpdso", "Best-possible DSO", kpiDays, a.BestPossibleDSO, b.BestPossibleDSO, false},
		{"add", "ADD (days delinquent)", kpiDays, a.ADD, b.ADD, false},
		{"cei30", "CEI 30 days", kpiPercent, a.CEI30, b.CEI30, true},
		{"cei90", "CEI 90 days", kpiPercent, a.CEI90, b.CEI90, true},
		{"dtp", "Weighted days to pay", kpiDays, a.WeightedDaysToPay, b.WeightedDaysToPay, false},
		{"dlate", "Weighted days beyond terms", kpiDays, a.WeightedDaysLate, b.WeightedDaysLate, false},
	}
}

// format writes a value of the KPI's kind; money without the currency,
// which the table names once.
func (k kpiDelta) format(x float64) string {
	switch k.Kind {
	case kpiMoney:
		return present.EN.Amount(creditflow.Money(roundCents(x)))
	case kpiDays:
		return present.EN.Days(x)
	case kpiPercent:
		return present.EN.Percent(x)
	default:
		return present.EN.Count(int(x))
	}
}

// formatChange writes the change with its sign.
func (k kpiDelta) formatChange() string {
	c := k.change()
	switch k.Kind {
	case kpiMoney:
		m := creditflow.Money(roundCents(c))
		if m > 0 {
			return "+" + present.EN.Amount(m)
		}
		return present.EN.Amount(m)
	case kpiDays:
		return signed(c, " days")
	case kpiPercent:
		return signed(c, " pp")
	default:
		if c > 0 {
			return "+" + present.EN.Count(int(c))
		}
		return present.EN.Count(int(c))
	}
}

// trend is the CSS class of a change: better, worse or flat.
func (k kpiDelta) trend() string {
	c := k.change()
	if k.Kind == kpiMoney {
		c = float64(roundCents(c))
	} else {
		c = round1(c)
	}
	switch {
	case c == 0:
		return "flat"
	case (c > 0) == k.HigherIsGood:
		return "better"
	}
	return "worse"
}

// signed writes x with one decimal and a sign, followed by unit.
func signed(x float64, unit string) string {
	x = round1(x)
	if x > 0 {
		return "+" + present.EN.Number(x) + unit
	}
	return present.EN.Number(x) + unit
}

func round1(x float64) float64 {
	if x != x { // NaN
		return x
	}
	return float64(int64(x*10+copysignHalf(x))) / 10
}

func copysignHalf(x float64) float64 {
	if x < 0 {
		return -0.5
	}
	return 0.5
}

// roundCents returns x currency units as cents.
func roundCents(x float64) int64 { return int64(x*100 + copysignHalf(x)) }

// reportPage is the data of report.html; everything is formatted here.
type reportPage struct {
	AsOf      string
	AsOfLong  string
	Generated string
	Currency  string
	Style     template.CSS
	EchartsJS template.JS

	Headline      []view.Card
	ForecastChart view.Chart
	AgingChart    view.Chart
	Weeks         []reportWeekRow
	WeeksTotal    reportWeekRow
	Buckets       []reportBucketRow
	AgingTotal    string
	Unapplied     string
	KPIs          []reportKPIRow
	Alerts        []reportAlertRow
	AlertsTotal   int
	Customers     []reportCustomerRow
	Worklist      []reportWorklistRow
}

type reportWeekRow struct {
	Week, From, To                             string
	Expected, P10, P50, P90, FromOpen, FromNew string
}

type reportBucketRow struct {
	Label, Class, Amount, Count, Share string
}

type reportKPIRow struct {
	ID, Label, Now, Before, Change, Trend string
}

type reportAlertRow struct {
	ChangedOn, Customer, CustomerID, Kind, Exposure, Sentence string
}

type reportCustomerRow struct {
	Customer, CustomerID, Expected, Open, Share string
}

type reportWorklistRow struct {
	Customer, CustomerID, Action, Open, DueOn string
}

// html renders report.html with the echarts library and the style sheet
// inside it: the file opens offline and from a mail attachment.
func (d *reportData) html() ([]byte, error) {
	cur := d.currency()
	css, err := static.FS.ReadFile("app.css")
	if err != nil {
		return nil, err
	}
	js, err := static.FS.ReadFile("echarts.min.js")
	if err != nil {
		return nil, err
	}
	// The library must not end its own script element early.
	if bytes.Contains(bytes.ToLower(js), []byte("</script")) {
		return nil, fmt.Errorf("echarts.min.js contains </script")
	}
	p := reportPage{
		AsOf: d.asOf.String(), AsOfLong: d.asOf.Format("2 January 2006"),
		Generated: d.generated.Format("2 January 2006 15:04 MST"), Currency: cur,
		Style: template.CSS(css), EchartsJS: template.JS(js),
	}
	s := d.summary()
	p.Headline = []view.Card{
		{ID: "cash13", Label: "Expected cash, 13 weeks", Value: present.EN.Money(cur, s.Cash13Weeks),
			Detail: "next week " + present.EN.Money(cur, s.CashNextWeek) + " · weekly P10s add up to " + present.EN.Money(cur, s.CashP10)},
		{ID: "open", Label: "Open receivables", Value: present.EN.Money(cur, s.OpenTotal),
			Detail: present.EN.Count(d.kpis.OpenItems) + " open items · " + present.EN.Count(d.kpis.Customers) + " customers"},
		{ID: "overdue", Label: "Overdue", Value: present.EN.Money(cur, s.OverdueTotal),
			Detail: present.EN.Percent(100*s.OverdueShare) + " of open receivables", Meter: view.MeterWidth(100 * s.OverdueShare)},
		{ID: "dso", Label: "DSO", Value: present.EN.Days(s.DSO), Detail: signed(s.DSOChange, " days") + " since last week"},
		{ID: "alerts", Label: "Risk alerts", Value: present.EN.Count(s.Alerts), Detail: present.EN.Count(s.RecentAlerts) + " changed in the last 4 weeks"},
	}

	var tot creditflow.ForecastWeek
	for i, w := range d.forecast.Weeks {
		p.Weeks = append(p.Weeks, reportWeekRow{Week: fmt.Sprint(i + 1), From: w.WeekStart.String(), To: w.WeekEnd.String(),
			Expected: present.EN.Amount(w.Expected), P10: present.EN.Amount(w.P10), P50: present.EN.Amount(w.P50), P90: present.EN.Amount(w.P90),
			FromOpen: present.EN.Amount(w.FromOpen), FromNew: present.EN.Amount(w.FromNew)})
		tot.Expected += w.Expected
		tot.FromOpen += w.FromOpen
		tot.FromNew += w.FromNew
	}
	p.WeeksTotal = reportWeekRow{Expected: present.EN.Amount(tot.Expected), FromOpen: present.EN.Amount(tot.FromOpen), FromNew: present.EN.Amount(tot.FromNew)}

	amounts := view.BucketAmounts(d.aging.Buckets)
	for i, l := range creditflow.AgingBucketLabels {
		row := reportBucketRow{Label: view.BucketTitle(l), Class: fmt.Sprintf("b%d", i), Amount: present.EN.Amount(amounts[i])}
		for _, b := range d.aging.Buckets {
			if b.Label == l {
				row.Count = present.EN.Count(b.Count)
			}
		}
		if d.aging.OpenTotal > 0 {
			row.Share = present.EN.Percent(100 * float64(amounts[i]) / float64(d.aging.OpenTotal))
		}
		p.Buckets = append(p.Buckets, row)
	}
	p.AgingTotal = present.EN.Amount(d.aging.OpenTotal)
	p.Unapplied = present.EN.Amount(d.aging.UnappliedCredit)

	for _, k := range d.kpiDeltas() {
		p.KPIs = append(p.KPIs, reportKPIRow{ID: k.ID, Label: k.Label, Now: k.format(k.Now), Before: k.format(k.Before),
			Change: k.formatChange(), Trend: k.trend()})
	}
	p.AlertsTotal = len(d.alerts)
	for i, a := range d.alerts {
		if i == reportAlerts {
			break
		}
		p.Alerts = append(p.Alerts, reportAlertRow{ChangedOn: a.Change.ChangeDate.String(), Customer: orID(a.Name, a.CustomerID),
			CustomerID: a.CustomerID, Kind: a.Kind, Exposure: present.EN.Amount(a.Exposure), Sentence: a.Sentence})
	}
	for i, c := range d.forecast.TopCustomers {
		if i == reportCustomers {
			break
		}
		row := reportCustomerRow{Customer: orID(c.Name, c.CustomerID), CustomerID: c.CustomerID,
			Expected: present.EN.Amount(c.Expected), Open: present.EN.Amount(c.OpenAmount)}
		if c.OpenAmount > 0 {
			row.Share = present.EN.Percent(100 * float64(c.Expected) / float64(c.OpenAmount))
		}
		p.Customers = append(p.Customers, row)
	}
	for i, w := range d.worklist {
		if i == reportWorklist {
			break
		}
		p.Worklist = append(p.Worklist, reportWorklistRow{Customer: orID(w.Name, w.CustomerID), CustomerID: w.CustomerID,
			Action: w.Action, Open: present.EN.Amount(w.Open), DueOn: w.DueOn.String()})
	}

	if p.ForecastChart, err = view.Render(forecastChart(d.forecast.Weeks, cur)); err != nil {
		return nil, fmt.Errorf("forecast chart: %w", err)
	}
	if p.AgingChart, err = view.Render(agingBucketChart(amounts, cur)); err != nil {
		return nil, fmt.Errorf("aging chart: %w", err)
	}
	var buf bytes.Buffer
	if err := pageTemplate.ExecuteTemplate(&buf, HTMLFile, p); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func orID(name, id string) string {
	if name == "" {
		return id
	}
	return name
}

// Series names of the forecast chart; its tooltip formatter knows them.
const (
	seriesFromOpen = "From open invoices"
	seriesFromNew  = "From new invoices"
	seriesP10      = "P10"
	seriesBand     = "P10–P90 band"
	seriesP50      = "Median (P50)"
)

// forecastChart stacks the expected receipts of each week from open and
// from new invoices as bars, with the P10–P90 range as a band behind them
// and the median as a line.
func forecastChart(weeks []creditflow.ForecastWeek, cur string) *charts.Bar {
	bar := charts.NewBar()
	bar.SetGlobalOptions(reportChartOptions("forecast_weeks", "360px")...)
	bar.SetGlobalOptions(
		charts.WithColorsOpts(opts.Colors{"#24518a", "#8fb3e0", "#7a8496", "#c9d6ea", "#1d2433"}),
		// The P10 series only carries the band; the legend leaves it out.
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0", Left: "center", Icon: "roundRect",
			ItemWidth: 12, ItemHeight: 12, TextStyle: &opts.TextStyle{Color: "#2b3445"},
			Data: []string{seriesFromOpen, seriesFromNew, seriesBand, seriesP50}}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis", Formatter: forecastTooltipJS(cur),
			AxisPointer: &opts.AxisPointer{Type: "shadow"}}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", AxisLabel: &opts.AxisLabel{Formatter: view.CompactFormatter, Color: "#5b6577"},
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
		labels[i] = w.WeekStart.Format("2 Jan")
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
func forecastTooltipJS(cur string) types.FuncStr {
	return opts.FuncOpts(`function (ps) {
	var fmt = function (v) { return ` + present.EN.MoneyJS(cur, "Number(v)") + `; };
	var out = ps.length ? ps[0].axisValueLabel : '';
	var p10 = 0;
	ps.forEach(function (p) {
		if (p.seriesName === '` + seriesP10 + `') { p10 = Number(p.value); }
		if (p.seriesName === '` + seriesBand + `') {
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
func agingBucketChart(amounts []creditflow.Money, cur string) *charts.Bar {
	bar := charts.NewBar()
	bar.SetGlobalOptions(reportChartOptions("aging_buckets", "300px")...)
	bar.SetGlobalOptions(
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis", ValueFormatter: view.MoneyFormatter(cur),
			AxisPointer: &opts.AxisPointer{Type: "shadow"}}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", AxisLabel: &opts.AxisLabel{Formatter: view.CompactFormatter, Color: "#5b6577"},
			SplitLine: &opts.SplitLine{Show: opts.Bool(true), LineStyle: &opts.LineStyle{Color: "#e6e9ef"}}}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", AxisLabel: &opts.AxisLabel{Color: "#5b6577", Interval: "0"},
			AxisTick: &opts.AxisTick{Show: opts.Bool(false)}}),
	)
	labels := make([]string, len(creditflow.AgingBucketLabels))
	data := make([]opts.BarData, len(creditflow.AgingBucketLabels))
	for i, l := range creditflow.AgingBucketLabels {
		labels[i] = view.BucketTitle(l)
		var a creditflow.Money
		if i < len(amounts) {
			a = amounts[i]
		}
		data[i] = opts.BarData{Value: a.Float64(), ItemStyle: &opts.ItemStyle{Color: view.BucketColors[i]}}
	}
	bar.SetXAxis(labels)
	bar.AddSeries("Open amount", data, charts.WithBarChartOpts(opts.BarChart{BarCategoryGap: "35%"}))
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

// Sheet names of report.xlsx.
const (
	SheetForecast  = "Forecast"
	SheetAging     = "Aging"
	SheetKPIs      = "KPIs"
	SheetAlerts    = "Alerts"
	SheetCustomers = "Top customers"
	SheetWorklist  = "Worklist"
)

// workbook builds report.xlsx: the report's tables as sheets, amounts as
// numbers with a number format and dates as dates, so that they add up in
// a spreadsheet.
func (d *reportData) workbook() ([]byte, error) {
	b := xlsx.New(excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"#E3E7EE"}}})
	defer b.Close()
	cur := d.currency()
	oneDec, pctFmt := `0.0`, `0.0%`
	dec := b.Style(excelize.Style{CustomNumFmt: &oneDec})
	pct := b.Style(excelize.Style{CustomNumFmt: &pctFmt})
	integer := b.Style(excelize.Style{NumFmt: 3}) // #,##0
	type cell = xlsx.Cell
	m, dt, v := b.Money, b.Date, xlsx.Value
	sheet := func(name string, widths []float64, header []string, rows [][]cell) {
		b.Add(xlsx.Sheet{Name: name, Header: header, Rows: rows, Widths: widths, Freeze: true})
	}

	var rows [][]cell
	for i, w := range d.forecast.Weeks {
		rows = append(rows, []cell{v(i + 1), dt(w.WeekStart), dt(w.WeekEnd), m(w.Expected), m(w.P10), m(w.P50), m(w.P90), m(w.FromOpen), m(w.FromNew)})
	}
	sheet(SheetForecast, []float64{7, 12, 12, 16, 16, 16, 16, 18, 18},
		[]string{"Week", "Week start", "Week end", "Expected (" + cur + ")", "P10", "P50", "P90", "From open invoices", "From new invoices"}, rows)

	rows = nil
	amounts := view.BucketAmounts(d.aging.Buckets)
	for i, l := range creditflow.AgingBucketLabels {
		count := 0
		for _, b := range d.aging.Buckets {
			if b.Label == l {
				count += b.Count
			}
		}
		share := 0.0
		if d.aging.OpenTotal > 0 {
			share = float64(amounts[i]) / float64(d.aging.OpenTotal)
		}
		rows = append(rows, []cell{v(view.BucketTitle(l)), m(amounts[i]), {V: count, Style: integer}, {V: share, Style: pct}})
	}
	rows = append(rows, []cell{v("Open total"), m(d.aging.OpenTotal)}, []cell{v("Overdue"), m(d.aging.OverdueTotal)},
		[]cell{v("Unapplied credit"), m(d.aging.UnappliedCredit)})
	sheet(SheetAging, []float64{18, 18, 12, 10}, []string{"Bucket", "Open amount (" + cur + ")", "Invoices", "Share"}, rows)

	rows = nil
	for _, k := range d.kpiDeltas() {
		style := dec
		now, before, ch := k.Now, k.Before, k.change()
		switch k.Kind {
		case kpiMoney:
			style = b.MoneyStyle
		case kpiPercent:
			style = pct
			now, before, ch = now/100, before/100, ch/100
		case kpiCount:
			style = integer
		}
		unit := map[kpiKind]string{kpiMoney: cur, kpiDays: "days", kpiPercent: "percent", kpiCount: "count"}[k.Kind]
		rows = append(rows, []cell{v(k.Label), v(unit), {V: now, Style: style}, {V: before, Style: style}, {V: ch, Style: style}})
	}
	sheet(SheetKPIs, []float64{30, 10, 18, 18, 16},
		[]string{"Indicator", "Unit", d.asOf.String(), d.asOf.AddDays(-7).String(), "Change"}, rows)

	rows = nil
	for _, a := range d.alerts {
		rows = append(rows, []cell{dt(a.Change.ChangeDate), dt(a.DetectedOn), v(a.CustomerID), v(a.Name), v(a.Kind), m(a.Exposure), {V: a.Change.ShiftDays, Style: dec}, v(a.Sentence)})
	}
	sheet(SheetAlerts, []float64{14, 12, 14, 30, 12, 16, 12, 80},
		[]string{"Changed around", "Detected on", "Customer ID", "Customer", "Kind", "Exposure (" + cur + ")", "Shift (days)", "What changed"}, rows)

	rows = nil
	for _, c := range d.forecast.TopCustomers {
		rows = append(rows, []cell{v(c.CustomerID), v(c.Name), m(c.Expected), m(c.OpenAmount)})
	}
	sheet(SheetCustomers, []float64{14, 34, 22, 18},
		[]string{"Customer ID", "Customer", "Expected cash, 13 weeks (" + cur + ")", "Open amount"}, rows)

	if len(d.worklist) > 0 {
		rows = nil
		for _, w := range d.worklist {
			rows = append(rows, []cell{v(w.CustomerID), v(w.Name), v(w.Action), m(w.Open), dt(w.DueOn)})
		}
		sheet(SheetWorklist, []float64{14, 34, 24, 16, 12}, []string{"Customer ID", "Customer", "Action", "Open (" + cur + ")", "Due on"}, rows)
	}
	if err := b.Err(); err != nil {
		return nil, err
	}
	b.SetActiveSheet(0)
	var buf bytes.Buffer
	if err := b.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
