package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"mime"
	"net/http"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/present"
	"github.com/creditflow/creditflow/present/xlsx"
)

// The exports of the worklist: every task the filters keep (not only one
// page), in the reader's language, with a last row of totals. Amounts are
// exact: written from creditflow.Money, never summed as floats.
//
// CSV is UTF-8 with a byte order mark, so that Excel reads the accents. In
// Dutch it is what Dutch Excel opens as columns: ';' between the fields,
// a decimal comma and dates as 31-12-2025; in English ',' and a decimal
// point, dates as 2025-12-31. XLSX has the amounts as numbers and the
// dates as dates.

// exportKind is what an export cell holds.
type exportKind int

const (
	textCell exportKind = iota
	countCell
	moneyCell
	dateCell
)

// exportCell is one cell of an export.
type exportCell struct {
	kind exportKind
	text string
	n    int
	m    creditflow.Money
	d    creditflow.Date
}

func textOf(s string) exportCell            { return exportCell{kind: textCell, text: s} }
func countOf(n int) exportCell              { return exportCell{kind: countCell, n: n} }
func moneyOf(m creditflow.Money) exportCell { return exportCell{kind: moneyCell, m: m} }
func dateOf(d creditflow.Date) exportCell   { return exportCell{kind: dateCell, d: d} }

// worklistExport is the table of an export: its column heads and rows, the
// last one the totals.
type worklistExport struct {
	heads []string
	rows  [][]exportCell
}

// newWorklistExport makes the table of the tasks sel of w in l.
func newWorklistExport(l present.Lang, w *app.Worklist, sel worklistSelection) worklistExport {
	cur := w.Currency
	e := worklistExport{heads: []string{
		l.T("Rank"), l.T("Customer number"), l.T("Customer"), l.T("Segment"), l.T("Collector"), l.T("Risk class"),
		l.T("Step"), l.T("Channel"), l.T("Due since"), l.T("Invoices"),
		l.Tf("Overdue (%s)", cur), l.Tf("Statutory interest (%s)", cur), l.Tf("Collection costs (%s)", cur),
		l.T("Call deferred"), l.T("Reason"),
	}}
	yes, no := l.T("yes"), l.T("no")
	for _, t := range sel.Tasks {
		deferred := no
		if t.Deferred {
			deferred = yes
		}
		e.rows = append(e.rows, []exportCell{
			countOf(t.Rank), textOf(t.CustomerID), textOf(t.Name), textOf(w.Segments[t.CustomerID]), textOf(w.Owners[t.CustomerID]),
			textOf(riskClassLabel(l, w.Classes[t.CustomerID])), textOf(dunning.StepWord(l, t.Step)), textOf(dunning.ChannelWord(l, t.Channel)),
			dateOf(t.DueSince), countOf(t.Invoices), moneyOf(t.AmountOverdue), moneyOf(t.Interest), moneyOf(t.Costs),
			textOf(deferred), textOf(t.ReasonIn(l, cur)),
		})
	}
	e.rows = append(e.rows, []exportCell{
		textOf(""), textOf(""), textOf(l.Tf("Total of %s", l.Plural(len(sel.Tasks), "%s task", "%s tasks"))), textOf(""), textOf(""), textOf(""),
		textOf(""), textOf(""), textOf(""), countOf(sel.Invoices), moneyOf(sel.Overdue), moneyOf(sel.Interest), moneyOf(sel.Costs),
		textOf(""), textOf(""),
	})
	return e
}

// csv writes the table as CSV in l (see the top of the file).
func (e worklistExport) csv(l present.Lang) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	cw := csv.NewWriter(&b)
	if l == present.NL {
		cw.Comma = ';'
	}
	cw.UseCRLF = true
	if err := cw.Write(e.heads); err != nil {
		return nil, err
	}
	rec := make([]string, len(e.heads))
	for _, row := range e.rows {
		for i, c := range row {
			switch c.kind {
			case countCell:
				rec[i] = strconv.Itoa(c.n)
			case moneyCell:
				rec[i] = l.Plain(c.m)
			case dateCell:
				rec[i] = l.Date(c.d)
			default:
				rec[i] = c.text
			}
		}
		if err := cw.Write(rec); err != nil {
			return nil, err
		}
	}
	cw.Flush()
	return b.Bytes(), cw.Error()
}

// xlsx writes the table as a workbook of one sheet.
func (e worklistExport) xlsx(l present.Lang) ([]byte, error) {
	book := xlsx.New(excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"#E3E7EE"}}})
	defer book.Close()
	bold := book.Style(excelize.Style{Font: &excelize.Font{Bold: true}})
	boldMoney := book.Style(excelize.Style{Font: &excelize.Font{Bold: true}, CustomNumFmt: ptr(`#,##0.00`)})
	sheet := xlsx.Sheet{Name: l.T("Worklist"), Header: e.heads, Freeze: true,
		Widths: []float64{7, 14, 32, 14, 16, 18, 30, 10, 12, 9, 15, 15, 15, 10, 80}}
	for r, row := range e.rows {
		last := r == len(e.rows)-1
		cells := make([]xlsx.Cell, len(row))
		for i, c := range row {
			switch c.kind {
			case countCell:
				cells[i] = xlsx.Value(c.n)
			case moneyCell:
				cells[i] = book.Money(c.m)
				if last {
					cells[i].Style = boldMoney
				}
			case dateCell:
				cells[i] = book.Date(c.d)
			default:
				cells[i] = xlsx.Value(c.text)
				if last && c.text != "" {
					cells[i].Style = bold
				}
			}
		}
		sheet.Rows = append(sheet.Rows, cells)
	}
	book.Add(sheet)
	if err := book.Err(); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if _, err := book.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func ptr[T any](v T) *T { return &v }

// exportWorklist answers GET /api/dunning/worklist?format=csv|xlsx with the
// filtered worklist as a file to download, in the caller's language.
func (s *Server) exportWorklist(w http.ResponseWriter, r *http.Request, format string) {
	l := s.lang(r)
	asOf, err := s.asOf(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	f, err := readWorklistFilter(r.URL.Query(), l)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	wl, err := s.app.Worklist(r.Context(), asOf)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	e := newWorklistExport(l, wl, selectTasks(wl, f))
	var body []byte
	ctype := "text/csv; charset=utf-8"
	if format == "xlsx" {
		body, err = e.xlsx(l)
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	} else {
		body, err = e.csv(l)
	}
	if err != nil {
		s.writeError(w, r, fmt.Errorf("worklist export: %w", err))
		return
	}
	name := l.T("worklist") + "-" + asOf.String() + "." + format
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(body)
}
