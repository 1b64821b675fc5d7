package report

import (
	"bytes"
	"fmt"
	"html/template"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/present"
	"github.com/creditflow/creditflow/present/view"
	"github.com/creditflow/creditflow/web/static"
)

// reportPage is the data of report.html; everything is formatted here.
type reportPage struct {
	Lang      present.Lang
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
	l := d.lang
	p := reportPage{
		Lang: l, AsOf: l.Date(d.asOf), AsOfLong: l.LongDate(d.asOf),
		Generated: l.LongDate(creditflow.NewDate(d.generated)) + " " + d.generated.Format("15:04 MST"), Currency: view.CurrencyName(l, cur),
		Style: template.CSS(css), EchartsJS: template.JS(js),
	}
	s := d.summary()
	p.Headline = []view.Card{
		{ID: "cash13", Label: l.T("Expected cash, 13 weeks"), Value: l.Money(cur, s.Cash13Weeks),
			Detail: l.Tf("next week %s", l.Money(cur, s.CashNextWeek)) + " · " + l.Tf("weekly P10s add up to %s", l.Money(cur, s.CashP10))},
		{ID: "open", Label: l.T("Open receivables"), Value: l.Money(cur, s.OpenTotal),
			Detail: l.Plural(d.kpis.OpenItems, "%s open item", "%s open items") + " · " + l.Plural(d.kpis.Customers, "%s customer", "%s customers")},
		{ID: "overdue", Label: l.T("Overdue"), Value: l.Money(cur, s.OverdueTotal),
			Detail: l.Tf("%s of open receivables", l.Percent(100*s.OverdueShare)), Meter: view.MeterWidth(100 * s.OverdueShare)},
		{ID: "dso", Label: l.T("DSO"), Value: l.Days(s.DSO), Detail: l.Tf("%s since last week", signedDays(l, s.DSOChange))},
		{ID: "alerts", Label: l.T("Risk alerts"), Value: l.Count(s.Alerts), Detail: l.Tf("%s changed in the last 4 weeks", l.Count(s.RecentAlerts))},
	}

	var tot creditflow.ForecastWeek
	for i, w := range d.forecast.Weeks {
		p.Weeks = append(p.Weeks, reportWeekRow{Week: l.Count(i + 1), From: l.Date(w.WeekStart), To: l.Date(w.WeekEnd),
			Expected: l.Amount(w.Expected), P10: l.Amount(w.P10), P50: l.Amount(w.P50), P90: l.Amount(w.P90),
			FromOpen: l.Amount(w.FromOpen), FromNew: l.Amount(w.FromNew)})
		tot.Expected += w.Expected
		tot.FromOpen += w.FromOpen
		tot.FromNew += w.FromNew
	}
	p.WeeksTotal = reportWeekRow{Week: l.Plural(len(d.forecast.Weeks), "%s week", "%s weeks"),
		Expected: l.Amount(tot.Expected), FromOpen: l.Amount(tot.FromOpen), FromNew: l.Amount(tot.FromNew)}

	amounts := view.BucketAmounts(d.aging.Buckets)
	for i, b := range creditflow.AgingBucketLabels {
		row := reportBucketRow{Label: view.BucketTitle(l, b), Class: fmt.Sprintf("b%d", i), Amount: l.Amount(amounts[i])}
		for _, bk := range d.aging.Buckets {
			if bk.Label == b {
				row.Count = l.Count(bk.Count)
			}
		}
		if d.aging.OpenTotal > 0 {
			row.Share = l.Percent(100 * float64(amounts[i]) / float64(d.aging.OpenTotal))
		}
		p.Buckets = append(p.Buckets, row)
	}
	p.AgingTotal = l.Amount(d.aging.OpenTotal)
	p.Unapplied = l.Amount(d.aging.UnappliedCredit)

	for _, k := range d.kpiDeltas() {
		p.KPIs = append(p.KPIs, reportKPIRow{ID: k.ID, Label: l.T(k.Label), Now: k.format(l, k.Now), Before: k.format(l, k.Before),
			Change: k.formatChange(l), Trend: k.trend()})
	}
	p.AlertsTotal = len(d.alerts)
	for i, a := range d.alerts {
		if i == reportAlerts {
			break
		}
		p.Alerts = append(p.Alerts, reportAlertRow{ChangedOn: l.Date(a.Change.ChangeDate), Customer: orID(a.Name, a.CustomerID),
			CustomerID: a.CustomerID, Kind: view.ChangeKind(l, a.Kind), Exposure: l.Amount(a.Exposure), Sentence: d.alertSentence(a)})
	}
	for i, c := range d.forecast.TopCustomers {
		if i == reportCustomers {
			break
		}
		row := reportCustomerRow{Customer: orID(c.Name, c.CustomerID), CustomerID: c.CustomerID,
			Expected: l.Amount(c.Expected), Open: l.Amount(c.OpenAmount)}
		if c.OpenAmount > 0 {
			row.Share = l.Percent(100 * float64(c.Expected) / float64(c.OpenAmount))
		}
		p.Customers = append(p.Customers, row)
	}
	for i, w := range d.worklist {
		if i == reportWorklist {
			break
		}
		p.Worklist = append(p.Worklist, reportWorklistRow{Customer: orID(w.Name, w.CustomerID), CustomerID: w.CustomerID,
			Action: actionText(l, w.Step, w.Channel), Open: l.Amount(w.Open), DueOn: l.Date(w.DueOn)})
	}

	if p.ForecastChart, err = view.Render(forecastChart(l, d.forecast.Weeks, cur)); err != nil {
		return nil, fmt.Errorf("forecast chart: %w", err)
	}
	if p.AgingChart, err = view.Render(agingBucketChart(l, amounts, cur)); err != nil {
		return nil, fmt.Errorf("aging chart: %w", err)
	}
	var buf bytes.Buffer
	if err := pageTemplates[l].ExecuteTemplate(&buf, HTMLFile, p); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// alertSentence says what changed in an alert, in the report's language.
func (d *reportData) alertSentence(a creditflow.Alert) string {
	if d.lang != present.NL && a.Sentence != "" {
		return a.Sentence
	}
	return view.ChangeSentence(d.lang, a.Change, d.currency())
}

func orID(name, id string) string {
	if name == "" {
		return id
	}
	return name
}
