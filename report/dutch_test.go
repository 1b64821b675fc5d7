package report_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/present"
	"github.com/creditflow/creditflow/present/xlsx"
	"github.com/creditflow/creditflow/report"
	"github.com/xuri/excelize/v2"
	"golang.org/x/net/html"
)

// reportText is the text of report.html a person reads: outside scripts
// and styles.
func reportText(t *testing.T, page string) string {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(page))
	var b strings.Builder
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			if z.Err() != io.EOF {
				t.Fatal(z.Err())
			}
			return b.String()
		case html.StartTagToken:
			if n, _ := z.TagName(); string(n) == "script" || string(n) == "style" {
				skip++
			}
		case html.EndTagToken:
			if n, _ := z.TagName(); string(n) == "script" || string(n) == "style" {
				skip--
			}
		case html.TextToken:
			if skip == 0 {
				b.WriteString(html.UnescapeString(string(z.Text())) + " ")
			}
		}
	}
}

// TestReportDutch writes the report in Dutch: the page, every sheet name
// and column head of the workbook and the mail's text are Dutch, amounts
// are written € 1.234,56, no English of a sample is left and no code
// identifier (a step of the worklist, a kind of alert) shows.
func TestReportDutch(t *testing.T) {
	db := openDemoDB(t)
	asOf := creditflow.NewDate(ledgerEnd)
	files, err := report.Write(context.Background(), newApp(db), asOf, filepath.Join(t.TempDir(), "rapport"), present.NL)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(files.HTML)
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	text := reportText(t, page)
	for _, want := range []string{`<html lang="nl">`, "<title>Weekrapportage debiteuren · 18 juni 2025 · creditflow</title>",
		"Debiteuren en liquiditeitsprognose per 18 juni 2025", "bedragen in euro", "Openstaande vorderingen", "Vervallen",
		"Liquiditeitsprognose, komende 13 weken", "Ouderdomsanalyse", "Nog niet vervallen", "90+ dagen", "Kerncijfers",
		"Nieuwste risicosignaleringen", "Werklijst debiteurenbeheer", "13 weken", "Uit openstaande facturen"} {
		if !strings.Contains(page, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	if !regexp.MustCompile(`€ \d{1,3}(\.\d{3})+,\d\d`).MatchString(text) {
		t.Error("report.html has no amount written € 1.234,56")
	}
	if !regexp.MustCompile(`\d{2}-\d{2}-2025`).MatchString(text) {
		t.Error("report.html has no date written 18-06-2025")
	}
	for _, bad := range []string{"EUR ", "Open receivables", "Overdue", "Cash forecast", "weeks", "Aging", "days", "Expected", "Customer", "Action",
		"worsening", "improving", "silence", "Usually paid", "Paid regularly", "reminder", "(email)", "(letter)", "(phone)"} {
		if i := strings.Index(text, bad); i >= 0 {
			t.Errorf("report.html says %q: …%s…", bad, text[max(0, i-50):min(len(text), i+50)])
		}
	}
	if ids := regexp.MustCompile(`\b[a-z]+_[a-z_]+\b`).FindAllString(text, 5); len(ids) > 0 {
		t.Errorf("report.html shows code identifiers %q", ids)
	}

	f, err := excelize.OpenFile(files.XLSX)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	wantSheets := []string{"Prognose", "Ouderdomsanalyse", "Kerncijfers", "Signaleringen", "Grootste debiteuren", "Werklijst"}
	if got := f.GetSheetList(); strings.Join(got, ",") != strings.Join(wantSheets, ",") {
		t.Errorf("sheets %q, want %q", got, wantSheets)
	}
	english := regexp.MustCompile(`(?i)\b(week start|expected|open amount|customer|indicator|change|kind|action|due on|bucket|share|invoices)\b`)
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet)
		if err != nil || len(rows) == 0 {
			t.Fatalf("sheet %s: %v", sheet, err)
		}
		for _, h := range rows[0] {
			if english.MatchString(h) {
				t.Errorf("sheet %s has the English column head %q", sheet, h)
			}
		}
		for r, row := range rows {
			for _, c := range row {
				if ids := regexp.MustCompile(`\b[a-z]+_[a-z_]+\b`).FindAllString(c, 1); len(ids) > 0 {
					t.Errorf("sheet %s row %d shows the code identifier %q", sheet, r+1, ids[0])
				}
			}
		}
	}
	// Amounts are numbers in the euro's format, exact to the cent; dates
	// are dates written day-month-year.
	id, _ := f.GetCellStyle("Ouderdomsanalyse", "B7")
	if st, _ := f.GetStyle(id); st == nil || st.CustomNumFmt == nil || *st.CustomNumFmt != xlsx.CurrencyFormat("EUR") {
		t.Errorf("Ouderdomsanalyse!B7 has the style %+v, want the format %q", st, xlsx.CurrencyFormat("EUR"))
	}
	raw, _ := f.GetCellValue("Ouderdomsanalyse", "B7", excelize.Options{RawCellValue: true})
	if want := files.Summary.OpenTotal.Float64(); raw != formatFloat(want) {
		t.Errorf("Ouderdomsanalyse!B7 holds %s, want %v", raw, want)
	}
	id, _ = f.GetCellStyle("Prognose", "B2")
	if st, _ := f.GetStyle(id); st == nil || st.CustomNumFmt == nil || *st.CustomNumFmt != "dd-mm-yyyy" {
		t.Errorf("Prognose!B2 has the style %+v, want dd-mm-yyyy", st)
	}

	mail := files.Summary.Text()
	for _, want := range []string{"Weekrapportage debiteuren per 18 juni 2025.", "Openstaande vorderingen:", "Risicosignaleringen:", "€ "} {
		if !strings.Contains(mail, want) {
			t.Errorf("the mail's text lacks %q:\n%s", want, mail)
		}
	}
	if s := files.Summary.Subject(); s != "creditflow weekrapportage 18-06-2025" {
		t.Errorf("subject %q", s)
	}
}

// formatFloat writes x as a spreadsheet stores it.
func formatFloat(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
