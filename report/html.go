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
