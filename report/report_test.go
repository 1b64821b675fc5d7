package report_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/present"
	"github.com/creditflow/creditflow/present/xlsx"
	"github.com/creditflow/creditflow/report"
	"github.com/creditflow/creditflow/store/storetest"
	"github.com/creditflow/creditflow/web/browsertest"

	"github.com/chromedp/chromedp"
	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/demo"
	"github.com/creditflow/creditflow/ingest"
	"github.com/creditflow/creditflow/risk"
	"github.com/creditflow/creditflow/store"
	"github.com/xuri/excelize/v2"
	"golang.org/x/net/html"
)

// reportNow is the fixed clock of the report tests.
var reportNow = time.Date(2025, 6, 18, 7, 0, 0, 0, time.UTC)

// writeTestReport writes the report of the test demo ledger on
// its last day into a temporary directory, in English.
func writeTestReport(t *testing.T) (*store.DB, creditflow.Date, report.Files) {
	t.Helper()
	db := openDemoDB(t)
	asOf := creditflow.NewDate(ledgerEnd)
	files, err := report.Write(context.Background(), newApp(db), asOf, filepath.Join(t.TempDir(), "out"), present.EN)
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	return db, asOf, files
}

// TestReport checks both files of the weekly report: the page is
// self-contained and shows the figures, the workbook holds numbers.
func TestReport(t *testing.T) {
	db, asOf, files := writeTestReport(t)
	ctx := context.Background()
	k, err := risk.ComputeKPIs(ctx, db, asOf)
	if err != nil {
		t.Fatal(err)
	}
	// The report shows the first actions of the collection worklist.
	wl, err := dunning.ComputeWorklist(ctx, db, asOf, dunning.Options{Policy: dunning.DefaultPolicy(), Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(wl.Tasks) == 0 {
		t.Fatal("the test ledger has no dunning task; the worklist section cannot be checked")
	}
	first := wl.Tasks[0]

	t.Run("html", func(t *testing.T) {
		b, err := os.ReadFile(files.HTML)
		if err != nil {
			t.Fatal(err)
		}
		page := string(b)
		checkSelfContained(t, page)
		for _, want := range []string{
			`id="forecast_weeks"`, `id="aging_buckets"`, // the charts' containers
			`id="forecast"`, `id="aging"`, `id="kpis"`, `id="alerts"`, `id="top-customers"`,
			"EUR " + formatAmountForTest(k.OpenTotal), // headline
			formatAmountForTest(k.OverdueTotal),
			formatAmountForTest(files.Summary.Cash13Weeks), // the forecast's total
			"Receivables and cash forecast on 18 June 2025",
			"echarts.init(", // the chart scripts
		} {
			if !strings.Contains(page, want) {
				t.Errorf("report.html lacks %q", want)
			}
		}
		if i := strings.Index(page, `id="worklist"`); i < 0 {
			t.Error("report.html has no worklist section")
		} else if !strings.Contains(page[i:], first.CustomerID) {
			t.Errorf("the worklist section lacks the first task's customer %s", first.CustomerID)
		}
		if n := strings.Count(page, `<tr id="kpi-row-`); n != 12 {
			t.Errorf("KPI table has %d rows, want 12", n)
		}
		if n := strings.Count(page, `<td class="date">2025-`); n < 13*2 {
			t.Errorf("forecast table has %d dates, want at least 26 (13 weeks)", n)
		}
	})

	t.Run("xlsx", func(t *testing.T) {
		f, err := excelize.OpenFile(files.XLSX)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		sheets := f.GetSheetList()
		for _, want := range []string{report.SheetForecast, report.SheetAging, report.SheetKPIs, report.SheetAlerts, report.SheetCustomers, report.SheetWorklist} {
			if !contains(sheets, want) {
				t.Errorf("sheets %q lack %q", sheets, want)
			}
		}
		rows, err := f.GetRows(report.SheetForecast)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 14 {
			t.Errorf("Forecast sheet has %d rows, want a header and 13 weeks", len(rows))
		}
		// Money is a number with a currency format, dates are date serials.
		euros := xlsx.CurrencyFormat("EUR")
		for _, c := range []struct {
			sheet, cell string
			format      string
		}{
			{report.SheetForecast, "D2", euros},
			{report.SheetForecast, "B2", "yyyy-mm-dd"},
			{report.SheetAging, "B7", euros}, // open total
			{report.SheetKPIs, "C2", euros},
			{report.SheetCustomers, "C2", euros},
		} {
			typ, err := f.GetCellType(c.sheet, c.cell)
			if err != nil {
				t.Fatal(err)
			}
			if typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
				t.Errorf("%s!%s has cell type %v, want a number", c.sheet, c.cell, typ)
			}
			raw, err := f.GetCellValue(c.sheet, c.cell, excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := strconv.ParseFloat(raw, 64); err != nil {
				t.Errorf("%s!%s holds %q, want a number", c.sheet, c.cell, raw)
			}
			id, err := f.GetCellStyle(c.sheet, c.cell)
			if err != nil {
				t.Fatal(err)
			}
			st, err := f.GetStyle(id)
			if err != nil {
				t.Fatal(err)
			}
			if st.CustomNumFmt == nil || *st.CustomNumFmt != c.format {
				t.Errorf("%s!%s has number format %v, want %q", c.sheet, c.cell, st.CustomNumFmt, c.format)
			}
		}
		raw, _ := f.GetCellValue(report.SheetAging, "B7", excelize.Options{RawCellValue: true})
		if v, _ := strconv.ParseFloat(raw, 64); creditflow.Money(v*100+0.5) != k.OpenTotal {
			t.Errorf("Aging!B7 (open total) is %s, want %s", raw, k.OpenTotal)
		}
		if v, _ := f.GetCellValue(report.SheetForecast, "B2"); v != files.Summary.AsOf.String() && !strings.HasPrefix(v, "2025-06-") {
			t.Errorf("Forecast!B2 shows %q, want a June 2025 date", v)
		}
	})

	t.Run("summary", func(t *testing.T) {
		s := files.Summary
		if s.OpenTotal != k.OpenTotal || s.AsOf != asOf {
			t.Errorf("summary %+v, want open total %s as of %s", s, k.OpenTotal, asOf)
		}
		if s.Cash13Weeks <= 0 || s.CashP10 > s.Cash13Weeks {
			t.Errorf("summary cash 13 weeks %s, P10 %s", s.Cash13Weeks, s.CashP10)
		}
		if !strings.Contains(s.Text(), "EUR "+formatAmountForTest(k.OpenTotal)) {
			t.Errorf("summary text lacks the open total:\n%s", s.Text())
		}
	})
}

// checkSelfContained fails on anything report.html would fetch: src and
// href attribute values of real elements (the tokenizer keeps script text
// out of attributes) must stay inside the file.
func checkSelfContained(t *testing.T, page string) {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(page))
	scripts := 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() != io.EOF {
				t.Fatalf("parse report.html: %v", z.Err())
			}
			break
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, hasAttr := z.TagName()
		if string(name) == "script" {
			scripts++
		}
		for hasAttr {
			var k, v []byte
			k, v, hasAttr = z.TagAttr()
			key, val := string(k), strings.ToLower(strings.TrimSpace(string(v)))
			switch key {
			case "src", "href", "action", "srcset", "poster", "data":
				if strings.HasPrefix(val, "http:") || strings.HasPrefix(val, "https:") || strings.HasPrefix(val, "//") ||
					(string(name) == "script" && key == "src") || (string(name) == "link" && !strings.HasPrefix(val, "data:")) {
					t.Errorf("<%s %s=%q> leaves the file", name, key, v)
				}
			case "style":
				if strings.Contains(val, "url(") {
					t.Errorf("<%s style=%q> may load something", name, v)
				}
			}
		}
	}
	if scripts < 3 {
		t.Errorf("report.html has %d script elements, want the library and two charts", scripts)
	}
	for _, bad := range []string{`<link rel="stylesheet"`, "@import"} {
		if strings.Contains(page, bad) {
			t.Errorf("report.html contains %q", bad)
		}
	}
}

// formatAmountForTest writes m as the pages do: 1,234.56.
func formatAmountForTest(m creditflow.Money) string {
	s := m.String()
	whole, frac, _ := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	sign := ""
	if m < 0 {
		sign = "−"
	}
	return sign + b.String() + "." + frac
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// reportChartsJS is true when both charts of the report exist and have
// drawn into their canvas, with their series.
const reportChartsJS = `[["forecast_weeks", 5], ["aging_buckets", 1]].every(([id, n]) => {
	const el = document.getElementById(id);
	const c = el && window.echarts && echarts.getInstanceByDom(el);
	if (!c) { return false; }
	const o = c.getOption();
	return !!o && Array.isArray(o.series) && o.series.length === n && el.querySelector("canvas") !== null;
})`

// TestReportBrowser opens report.html from disk in headless Chromium: the
// charts render, with no JavaScript error and no request at all beyond the
// file itself.
func TestReportBrowser(t *testing.T) {
	chrome := browsertest.RequireChromium(t)
	_, _, files := writeTestReport(t)
	abs, err := filepath.Abs(files.HTML)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// A file:// URL has no host: every request with one leaves the file.
	ctx, probs := browsertest.NewTab(t, ctx, chrome, "", 1280)
	fileURL := "file://" + filepath.ToSlash(abs)
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(fileURL),
		chromedp.WaitVisible(chromedp.ID("kpi-open")),
	); err != nil {
		t.Fatalf("open %s: %v", fileURL, err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](reportChartsJS,
		chromedp.WithPollingTimeout(20*time.Second), chromedp.WithPollingInterval(100*time.Millisecond))); err != nil {
		t.Fatalf("charts did not render: %v", err)
	}
	weeks, err := chromedp.Run(ctx, chromedp.Evaluate[int](`echarts.getInstanceByDom(document.getElementById("forecast_weeks")).getOption().xAxis[0].data.length`))
	if err != nil {
		t.Fatal(err)
	}
	if weeks != 13 {
		t.Errorf("forecast chart has %d weeks, want 13", weeks)
	}
	for _, p := range probs.Take() {
		t.Errorf("report.html: %s", p)
	}
}

// BenchmarkReport times Write on a demo ledger of
// CREDITFLOW_BENCH_INVOICES invoices (default 50000), or on the ledger
// files in CREDITFLOW_BENCH_DIR (such as bench/1m of make bench), as of its
// last invoice date.
//
//	CREDITFLOW_BENCH_DIR=$PWD/bench/1m go test -run '^$' -bench Report -benchtime 1x ./report/
func BenchmarkReport(b *testing.B) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.duckdb"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	dir := os.Getenv("CREDITFLOW_BENCH_DIR")
	if dir == "" {
		n := 50_000
		if s := os.Getenv("CREDITFLOW_BENCH_INVOICES"); s != "" {
			if n, err = strconv.Atoi(s); err != nil || n <= 0 {
				b.Fatalf("CREDITFLOW_BENCH_INVOICES=%q: want a positive number", s)
			}
		}
		dir = b.TempDir()
		cfg := demo.Config{Customers: max(n/20, 50), Invoices: n, Seed: 1, End: time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC), Years: 3}
		if _, err := demo.Generate(ctx, dir, cfg); err != nil {
			b.Fatal(err)
		}
	}
	paths := []string{filepath.Join(dir, demo.CustomersFile), filepath.Join(dir, demo.InvoicesFile), filepath.Join(dir, demo.PaymentsFile)}
	if _, err := ingest.Files(ctx, db, paths, ingest.Options{Actor: "bench"}); err != nil {
		b.Fatal(err)
	}
	var asOf creditflow.Date
	if err := db.QueryRowContext(ctx, `SELECT max(invoice_date) FROM invoices`).Scan(&asOf); err != nil {
		b.Fatal(err)
	}
	var invoices int
	db.QueryRowContext(ctx, `SELECT count(*) FROM invoices`).Scan(&invoices)
	out := b.TempDir()
	b.ResetTimer()
	for b.Loop() {
		// A new application each time: the report computes everything.
		if _, err := report.Write(ctx, app.New(app.Config{DB: db}), asOf, out, present.NL); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(invoices), "invoices")
}

// TestReportEmptyLedger writes the report of a database without data: it
// says so instead of failing.
func TestReportEmptyLedger(t *testing.T) {
	db := storetest.MustOpen(t)
	files, err := report.Write(context.Background(), newApp(db), creditflow.NewDate(reportNow), t.TempDir(), present.EN)
	if err != nil {
		t.Fatalf("Write on an empty ledger: %v", err)
	}
	b, err := os.ReadFile(files.HTML)
	if err != nil {
		t.Fatal(err)
	}
	checkSelfContained(t, string(b))
	for _, want := range []string{"No risk alerts.", `id="forecast_weeks"`, "EUR 0.00"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("empty report lacks %q", want)
		}
	}
	if _, err := excelize.OpenFile(files.XLSX); err != nil {
		t.Errorf("empty report.xlsx: %v", err)
	}
}
