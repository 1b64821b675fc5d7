package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/ingest/ingesttest"
	"github.com/creditflow/creditflow/store/storetest"
	"github.com/creditflow/creditflow/web/browsertest"
)

// TestBrowserUpload drops two files on /upload in headless Chromium as an
// admin, checks them (a dry run: the table shows how each was read and
// nothing is loaded), then loads them, without JavaScript errors.
func TestBrowserUpload(t *testing.T) {
	chrome := browsertest.RequireChromium(t)
	db := openAPITestDB(t)
	srv, token, host := startBrowserServer(t, db, creditflow.RoleAdmin, browserNow)
	ctx, probs := openTab(t, chrome, host, 390, 60*time.Second)
	// The invoices as a Dutch export: semicolons and Dutch column names.
	dutch := strings.NewReplacer(",", ";", "invoice_id", "Factuurnummer", "customer_id", "Debiteurnummer").Replace(ingesttest.InvoicesCSV)
	paths := storetest.WriteFiles(t, "customers.csv", ingesttest.CustomersCSV, "invoices.csv", dutch)
	invoices := func() int {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM invoices`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	wait := func(what, js string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	logInOnTheWay(t, ctx, srv.URL+"/upload", token, chromedp.WaitVisible(chromedp.ID("upload-form")))
	if err := chromedp.Do(ctx,
		chromedp.SetUploadFiles(chromedp.ID("upload-files"), paths),
		chromedp.Click(chromedp.ID("upload-check")),
	); err != nil {
		t.Fatal(err)
	}
	wait("the check's table, how the Dutch file was read, and the load button", `!document.getElementById("upload-load").hidden &&
		document.querySelectorAll("#upload-result tbody tr").length === 2 &&
		document.getElementById("upload-result").textContent.includes("Factuurnummer \u2192 invoice number")`)
	if n := invoices(); n != 0 {
		t.Fatalf("%d invoices loaded by the check, want none", n)
	}
	saveScreenshot(t, ctx, "../docs/screenshot-upload.png")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("upload-load"))); err != nil {
		t.Fatal(err)
	}
	wait("the load", `document.getElementById("upload-status").textContent.startsWith("Loaded")`)
	if n := invoices(); n != 5 {
		t.Errorf("%d invoices after loading, want 5", n)
	}
	for _, p := range probs.Take() {
		t.Errorf("/upload: %s", p)
	}
}
