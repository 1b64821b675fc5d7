package dunning

import (
	"fmt"
	htmltemplate "html/template"
	"io"
	"strconv"

	"github.com/creditflow/creditflow"
	"github.com/go-pdf/fpdf"
)

// htmlLetter is the data of the HTML layout.
type htmlLetter struct {
	DunningLetter
	L            letterLabels
	DateText     string
	Rows         []htmlStatementRow
	StmtTotal    string
	Amounts      []amountRow
	PaymentText  string
	HasStatement bool
	Schedule     []htmlInstalment
}

// htmlInstalment is one row of a payment arrangement's schedule.
type htmlInstalment struct {
	N            int
	Date, Amount string
}

type htmlStatementRow struct {
	Invoice, InvoiceDate, DueDate, Open string
	DaysOverdue                         int
	// Mark says why a row is not claimed: disputed or promised.
	Mark string
}

func (l DunningLetter) view() htmlLetter {
	v := htmlLetter{DunningLetter: l, L: labels[l.Language], DateText: l.Language.lang().LongDate(l.Date),
		StmtTotal: l.Language.lang().Euro(l.StatementTotal), Amounts: l.amountRows(), PaymentText: l.paymentText(),
		HasStatement: len(l.Statement) > 0}
	for i, in := range l.Instalments {
		v.Schedule = append(v.Schedule, htmlInstalment{N: i + 1, Date: l.Language.lang().LongDate(in.Date),
			Amount: l.Language.lang().Euro(in.Amount)})
	}
	for _, s := range l.Statement {
		v.Rows = append(v.Rows, htmlStatementRow{Invoice: s.InvoiceID, InvoiceDate: l.Language.lang().Date(s.InvoiceDate),
			DueDate: l.Language.lang().Date(s.DueDate), Open: l.Language.lang().Euro(s.OpenAmount),
			DaysOverdue: s.DaysOverdue, Mark: v.mark(s)})
	}
	return v
}

// mark is the note of a statement line that is not claimed.
func (v htmlLetter) mark(s StatementLine) string {
	switch {
	case s.Disputed:
		return v.L.Disputed
	case s.Promised:
		return v.L.Promised
	}
	return ""
}

var htmlLayout = htmltemplate.Must(htmltemplate.ParseFS(letterTemplates, "templates/letter.html"))

// HTML writes the letter as an HTML page.
func (l DunningLetter) HTML(w io.Writer) error {
	return htmlLayout.ExecuteTemplate(w, "letter.html", l.view())
}

// PDF writes the letter as an A4 PDF in the core font Helvetica; text goes
// through fpdf's cp1252 translator, which covers the euro sign and the
// accented letters of Dutch, so the PDF holds the text in cp1252.
func (l DunningLetter) PDF(w io.Writer) error {
	pdf := newLetterPDF(l.Date, l.Subject, l.Creditor.Name)
	l.drawPDF(pdf)
	if err := pdf.Error(); err != nil {
		return err
	}
	return pdf.Output(w)
}

// newLetterPDF starts an A4 document of letters dated date.
func newLetterPDF(date creditflow.Date, title, author string) *fpdf.Fpdf {
	pdf := fpdf.New("P", "mm", "A4", "")
	// Uncompressed: a letter is a few kilobytes of text either way, and
	// its amounts stay searchable in the file.
	pdf.SetCompression(false)
	pdf.SetCreationDate(date.Time)
	pdf.SetModificationDate(date.Time)
	pdf.SetTitle(title, true)
	pdf.SetAuthor(author, true)
	pdf.SetMargins(20, 20, 20)
	pdf.SetAutoPageBreak(true, 20)
	return pdf
}

// drawPDF adds the letter to pdf, starting on a new page.
func (l DunningLetter) drawPDF(pdf *fpdf.Fpdf) {
	v := l.view()
	pdf.AddPage()
	tr := pdf.UnicodeTranslatorFromDescriptor("cp1252")
	const width = 170.0
	text := func(style string, size float64, s string) {
		pdf.SetFont("Helvetica", style, size)
		pdf.MultiCell(width, size*0.5, tr(s), "", "L", false)
	}
	c := l.Creditor
	text("B", 14, c.Name)
	text("", 9, c.Address)
	text("", 9, fmt.Sprintf("%s %s · %s %s · %s %s · %s %s", v.L.Email, c.Email, v.L.KvK, c.KvK, v.L.IBAN, c.IBAN, v.L.BIC, c.BIC))
	pdf.Ln(8)
	text("", 10, l.CustomerName)
	for _, a := range l.Address {
		text("", 10, a)
	}
	if l.Email != "" {
		text("", 10, l.Email)
	}
	pdf.Ln(6)
	text("", 10, fmt.Sprintf("%s: %s", v.L.Date, v.DateText))
	text("", 10, fmt.Sprintf("%s: %s", v.L.Reference, l.Reference))
	pdf.Ln(4)
	text("B", 12, l.Subject)
	pdf.Ln(3)
	text("", 10, v.L.Salutation)
	pdf.Ln(2)
	for _, p := range l.Body {
		text("", 10, p)
		pdf.Ln(2)
	}
	if v.HasStatement {
		pdf.Ln(2)
		text("B", 11, v.L.Statement)
		pdf.Ln(1)
		cols := []float64{40, 32, 32, 36, 30}
		pdf.SetFont("Helvetica", "B", 9)
		for i, h := range []string{v.L.Invoice, v.L.InvoiceDate, v.L.DueDate, v.L.Open, v.L.DaysOverdue} {
			align := "L"
			if i >= 3 {
				align = "R"
			}
			pdf.CellFormat(cols[i], 6, tr(h), "B", 0, align, false, 0, "")
		}
		pdf.Ln(-1)
		pdf.SetFont("Helvetica", "", 9)
		for _, r := range v.Rows {
			inv := r.Invoice
			if r.Mark != "" {
				inv += " (" + r.Mark + ")"
			}
			pdf.CellFormat(cols[0], 5.5, tr(inv), "", 0, "L", false, 0, "")
			pdf.CellFormat(cols[1], 5.5, tr(r.InvoiceDate), "", 0, "L", false, 0, "")
			pdf.CellFormat(cols[2], 5.5, tr(r.DueDate), "", 0, "L", false, 0, "")
			pdf.CellFormat(cols[3], 5.5, tr(r.Open), "", 0, "R", false, 0, "")
			pdf.CellFormat(cols[4], 5.5, strconv.Itoa(r.DaysOverdue), "", 1, "R", false, 0, "")
		}
		pdf.SetFont("Helvetica", "B", 9)
		pdf.CellFormat(cols[0]+cols[1]+cols[2], 6, tr(v.L.StatementTotal), "T", 0, "L", false, 0, "")
		pdf.CellFormat(cols[3], 6, tr(v.StmtTotal), "T", 0, "R", false, 0, "")
		pdf.CellFormat(cols[4], 6, "", "T", 1, "R", false, 0, "")
	}
	if len(v.Schedule) > 0 {
		pdf.Ln(2)
		text("B", 11, v.L.Schedule)
		pdf.Ln(1)
		pdf.SetFont("Helvetica", "B", 9)
		pdf.CellFormat(30, 6, tr(v.L.Instalment), "B", 0, "L", false, 0, "")
		pdf.CellFormat(60, 6, tr(v.L.InstalmentDate), "B", 0, "L", false, 0, "")
		pdf.CellFormat(40, 6, tr(v.L.InstalmentAmount), "B", 1, "R", false, 0, "")
		pdf.SetFont("Helvetica", "", 9)
		for _, in := range v.Schedule {
			pdf.CellFormat(30, 5.5, strconv.Itoa(in.N), "", 0, "L", false, 0, "")
			pdf.CellFormat(60, 5.5, tr(in.Date), "", 0, "L", false, 0, "")
			pdf.CellFormat(40, 5.5, tr(in.Amount), "", 1, "R", false, 0, "")
		}
	}
	pdf.Ln(4)
	for _, a := range v.Amounts {
		style := ""
		if a.Strong {
			style = "B"
		}
		pdf.SetFont("Helvetica", style, 10)
		pdf.CellFormat(130, 6, tr(a.Label), "", 0, "L", false, 0, "")
		pdf.CellFormat(40, 6, tr(a.Amount), "", 1, "R", false, 0, "")
	}
	pdf.Ln(4)
	text("B", 10, v.L.Payment)
	text("", 10, v.PaymentText)
	pdf.Ln(2)
	for _, p := range l.After {
		text("", 10, p)
		pdf.Ln(2)
	}
	text("", 10, v.L.Footer)
	pdf.Ln(4)
	text("", 10, v.L.Closing)
	pdf.Ln(6)
	text("", 10, c.Name)
}
