package report

import (
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
	"unicode/utf8"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/present"
	"github.com/creditflow/creditflow/present/view"
	"github.com/creditflow/creditflow/risk"
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

// pageTemplates are report.html in each language: its functions t and tf
// write the texts in it.
var pageTemplates = func() map[present.Lang]*template.Template {
	m := map[present.Lang]*template.Template{}
	for _, l := range []present.Lang{present.NL, present.EN} {
		m[l] = template.Must(template.New("").Funcs(template.FuncMap{"t": l.T, "tf": l.Tf}).ParseFS(templateFile, "report.html"))
	}
	return m
}()

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
	// Lang is the language of the report, and of Subject and Text.
	Lang         present.Lang
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

// Subject is the subject line of the report's mail: "creditflow weekly
// report 2025-06-18"; in Dutch "creditflow weekrapportage 18-06-2025".
func (s Summary) Subject() string {
	return s.Lang.Tf("creditflow weekly report %s", s.Lang.Date(s.AsOf))
}

// Text is the headline as plain text, one figure a line.
func (s Summary) Text() string {
	l, cur := s.Lang, view.CurrencyCode(s.Currency)
	var b strings.Builder
	b.WriteString(l.Tf("Weekly receivables report as of %s.", l.LongDate(s.AsOf)) + "\n\n")
	lines := [][2]string{
		{l.T("Open receivables"), l.Money(cur, s.OpenTotal)},
		{l.T("Overdue"), l.Money(cur, s.OverdueTotal) + " (" + l.Percent(100*s.OverdueShare) + ")"},
		{l.T("DSO"), l.Days(s.DSO) + " (" + l.Tf("%s since last week", signedDays(l, s.DSOChange)) + ")"},
		{l.T("Expected cash next week"), l.Money(cur, s.CashNextWeek)},
		{l.T("Expected cash, 13 weeks"), l.Money(cur, s.Cash13Weeks) + " (" + l.Tf("weekly P10s add up to %s", l.Money(cur, s.CashP10)) + ")"},
		{l.T("Risk alerts"), l.Count(s.Alerts) + " (" + l.Tf("%s changed in the last 4 weeks", l.Count(s.RecentAlerts)) + ")"},
	}
	width := 0
	for _, line := range lines {
		width = max(width, utf8.RuneCountInString(line[0]))
	}
	for _, line := range lines {
		b.WriteString(line[0] + ":" + strings.Repeat(" ", width-utf8.RuneCountInString(line[0])+1) + line[1] + "\n")
	}
	b.WriteString("\n" + l.T("The report is attached: report.html opens in any browser, offline; report.xlsx holds the same tables.") + "\n")
	return b.String()
}

// reportData is what the weekly report reads from the ledger.
type reportData struct {
	lang      present.Lang
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
	Step       string // the step of the dunning policy: "friendly_reminder"
	Channel    string // "email", "letter", "phone"
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
			Step: t.Step, Channel: string(t.Channel), Open: t.AmountOverdue, DueOn: t.DueSince})
	}
	return rows, nil
}

// Write writes the weekly report on asOf in the language l into dir
// (created if needed): report.html, one self-contained page that opens
// offline, and report.xlsx with the same tables, stamped with the
// application's clock.
func Write(ctx context.Context, a *app.App, asOf creditflow.Date, dir string, l present.Lang) (Files, error) {
	if asOf.IsZero() {
		return Files{}, fmt.Errorf("report: %w: as-of date is required", creditflow.ErrInvalid)
	}
	d, err := load(ctx, a, asOf)
	if err != nil {
		return Files{}, fmt.Errorf("report on %s: %w", asOf, err)
	}
	if l != present.NL {
		l = present.EN
	}
	d.lang = l
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
			a.Sentence = view.ChangeSentence(present.EN, ch, view.CurrencyCode(s.Currency))
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
	s := Summary{Lang: d.lang, AsOf: d.asOf, Currency: d.currency(), OpenTotal: d.kpis.OpenTotal,
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
