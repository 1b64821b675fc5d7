package report

import (
	"bytes"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/present"
	"github.com/creditflow/creditflow/present/view"
	"github.com/creditflow/creditflow/present/xlsx"
	"github.com/xuri/excelize/v2"
)

// Sheet names of report.xlsx, in English; SheetName writes them in the
// report's language.
const (
	SheetForecast  = "Forecast"
	SheetAging     = "Aging"
	SheetKPIs      = "KPIs"
	SheetAlerts    = "Alerts"
	SheetCustomers = "Top customers"
	SheetWorklist  = "Worklist"
)

// SheetName is the name of a sheet of report.xlsx in l: SheetName(NL,
// SheetForecast) is "Prognose".
func SheetName(l present.Lang, sheet string) string { return l.T(sheet) }

// workbook builds report.xlsx: the report's tables as sheets, amounts as
// numbers with a number format and dates as dates, so that they add up in
// a spreadsheet.
func (d *reportData) workbook() ([]byte, error) {
	b := xlsx.New(excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"#E3E7EE"}}})
	defer b.Close()
	cur, l := d.currency(), d.lang
	b.UseCurrency(cur)
	if l == present.NL {
		dateFmt := `dd-mm-yyyy`
		b.DateStyle = b.Style(excelize.Style{CustomNumFmt: &dateFmt})
	}
	oneDec, pctFmt := `0.0`, `0.0%`
	dec := b.Style(excelize.Style{CustomNumFmt: &oneDec})
	pct := b.Style(excelize.Style{CustomNumFmt: &pctFmt})
	integer := b.Style(excelize.Style{NumFmt: 3}) // #,##0
	type cell = xlsx.Cell
	m, dt, v := b.Money, b.Date, xlsx.Value
	sheet := func(name string, widths []float64, header []string, rows [][]cell) {
		for i, h := range header {
			header[i] = l.T(h)
		}
		b.Add(xlsx.Sheet{Name: SheetName(l, name), Header: header, Rows: rows, Widths: widths, Freeze: true})
	}

	var rows [][]cell
	for i, w := range d.forecast.Weeks {
		rows = append(rows, []cell{v(i + 1), dt(w.WeekStart), dt(w.WeekEnd), m(w.Expected), m(w.P10), m(w.P50), m(w.P90), m(w.FromOpen), m(w.FromNew)})
	}
	sheet(SheetForecast, []float64{7, 12, 12, 16, 16, 16, 16, 18, 18},
		[]string{"Week", "Week start", "Week end", "Expected", "P10", "P50", "P90", "From open invoices", "From new invoices"}, rows)

	rows = nil
	amounts := view.BucketAmounts(d.aging.Buckets)
	for i, bucket := range creditflow.AgingBucketLabels {
		count := 0
		for _, b := range d.aging.Buckets {
			if b.Label == bucket {
				count += b.Count
			}
		}
		share := 0.0
		if d.aging.OpenTotal > 0 {
			share = float64(amounts[i]) / float64(d.aging.OpenTotal)
		}
		rows = append(rows, []cell{v(view.BucketTitle(l, bucket)), m(amounts[i]), {V: count, Style: integer}, {V: share, Style: pct}})
	}
	rows = append(rows, []cell{v(l.T("Open total")), m(d.aging.OpenTotal)}, []cell{v(l.T("Overdue")), m(d.aging.OverdueTotal)},
		[]cell{v(l.T("Unapplied credit")), m(d.aging.UnappliedCredit)})
	sheet(SheetAging, []float64{22, 20, 12, 10}, []string{"Days past due", "Open amount", "Invoices", "Share"}, rows)

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
		unit := map[kpiKind]string{kpiMoney: cur, kpiDays: l.T("days"), kpiPercent: l.T("percent"), kpiCount: l.T("number")}[k.Kind]
		rows = append(rows, []cell{v(l.T(k.Label)), v(unit), {V: now, Style: style}, {V: before, Style: style}, {V: ch, Style: style}})
	}
	sheet(SheetKPIs, []float64{32, 10, 18, 18, 16},
		[]string{"Indicator", "Unit", l.Date(d.asOf), l.Date(d.asOf.AddDays(-7)), "Change"}, rows)

	rows = nil
	for _, a := range d.alerts {
		rows = append(rows, []cell{dt(a.Change.ChangeDate), dt(a.DetectedOn), v(a.CustomerID), v(a.Name), v(view.ChangeKind(l, a.Kind)),
			m(a.Exposure), {V: a.Change.ShiftDays, Style: dec}, v(d.alertSentence(a))})
	}
	sheet(SheetAlerts, []float64{14, 12, 16, 30, 18, 16, 12, 80},
		[]string{"Changed around", "Detected on", "Customer number", "Customer", "Kind", "Exposure", "Shift (days)", "What changed"}, rows)

	rows = nil
	for _, c := range d.forecast.TopCustomers {
		rows = append(rows, []cell{v(c.CustomerID), v(c.Name), m(c.Expected), m(c.OpenAmount)})
	}
	sheet(SheetCustomers, []float64{16, 34, 24, 18},
		[]string{"Customer number", "Customer", "Expected cash, 13 weeks", "Open amount"}, rows)

	if len(d.worklist) > 0 {
		rows = nil
		for _, w := range d.worklist {
			rows = append(rows, []cell{v(w.CustomerID), v(w.Name), v(actionText(l, w.Step, w.Channel)), m(w.Open), dt(w.DueOn)})
		}
		sheet(SheetWorklist, []float64{16, 34, 36, 16, 12}, []string{"Customer number", "Customer", "Next action", "Overdue", "Due on"}, rows)
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
