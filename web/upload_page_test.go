package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/creditflow/creditflow/ingest/ingesttest"
)

// The upload page is for admins: they see it in the navigation and get the
// form; a viewer sees neither. A dry run through the API reports the files
// and loads nothing; the same files then load for real.
func TestUploadPage(t *testing.T) {
	db := openAPITestDB(t)
	srv, tok := serveTestDB(t, db)
	admin, _ := loginSession(t, srv.URL, tok.admin)
	viewer, _ := loginSession(t, srv.URL, tok.viewer)

	page := getPage(t, srv.URL+"/upload", admin)
	if page.status != http.StatusOK || !strings.Contains(string(page.body), `id="upload-form"`) ||
		!strings.Contains(string(page.body), `href="/upload"`) {
		t.Fatalf("admin: /upload %d without the form or its link", page.status)
	}
	if p := getPage(t, srv.URL+"/upload", viewer); p.status != http.StatusForbidden || strings.Contains(string(p.body), `id="upload-form"`) {
		t.Errorf("viewer: /upload %d, want 403 without the form", p.status)
	}
	if p := getPage(t, srv.URL+"/unmatched", viewer); strings.Contains(string(p.body), `href="/upload"`) {
		t.Errorf("viewer sees the upload link")
	}

	files := []upload{{"customers.csv", strings.TrimLeft(ingesttest.CustomersCSV, "\n")}, {"invoices.csv", strings.TrimLeft(ingesttest.InvoicesCSV, "\n")}}
	post := func(dry bool) map[string]any {
		fields := map[string]string{}
		if dry {
			fields["dry_run"] = "true"
		}
		body, ct := multipartBody(t, files, fields)
		resp := do(t, newRequest(t, http.MethodPost, srv.URL+"/api/ingest", tok.admin, body, ct))
		if resp.status != http.StatusOK {
			t.Fatalf("POST /api/ingest (dry run %v): %d %s", dry, resp.status, resp.body)
		}
		var res map[string]any
		if err := json.Unmarshal(resp.body, &res); err != nil {
			t.Fatal(err)
		}
		return res
	}
	invoices := func() int {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM invoices`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if res := post(true); res["dry_run"] != true || invoices() != 0 {
		t.Errorf("dry run: %v, %d invoices loaded; want dry_run true and none", res["dry_run"], invoices())
	}
	if res := post(false); res["dry_run"] != false || invoices() != 5 {
		t.Errorf("real run: %v, %d invoices; want 5", res["dry_run"], invoices())
	}
}

// The overview's customer names open the customer page, not the JSON of
// the open items.
func TestOverviewLinksCustomerPages(t *testing.T) {
	srv, tok := serveTestDB(t, ledgerTestDB(t))
	cookie, _ := loginSession(t, srv.URL, tok.viewer)
	page := getPage(t, srv.URL+"/?as_of=2025-03-01", cookie)
	body := string(page.body)
	if page.status != http.StatusOK || !strings.Contains(body, `href="/customers/C1?as_of=2025-03-01"`) {
		t.Fatalf("overview %d without a link to C1's customer page", page.status)
	}
	if strings.Contains(body, `href="/api/open-items?as_of=2025-03-01&amp;customer_id=`) {
		t.Error("a customer name on the overview links to the JSON of its open items")
	}
}
