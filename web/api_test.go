package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/demo"
	"github.com/creditflow/creditflow/ingest"
	"github.com/creditflow/creditflow/ingest/dialect"
	"github.com/creditflow/creditflow/web"
)

// TestAPIAuth sends every route with every kind of credential.
func TestAPIAuth(t *testing.T) {
	srv, tok := serveTestDB(t, ledgerTestDB(t))

	// A token with a known id but the wrong secret.
	wrongSecret := tok.viewer[:len(tok.viewer)-4] + "0000"
	if wrongSecret == tok.viewer {
		wrongSecret = tok.viewer[:len(tok.viewer)-4] + "1111"
	}

	type body func(t *testing.T) ([]byte, string)
	reupload := func(t *testing.T) ([]byte, string) {
		// Already ingested: the admin's request succeeds and changes nothing.
		return multipartBody(t, ledgerFiles[:1], nil)
	}
	routes := []struct {
		method, path string
		need         creditflow.Role // "" for a public route
		body         body
		ok           int // the status of success, when not 200
	}{
		{method: "GET", path: "/api/health"},
		{method: "GET", path: "/api/openapi.yaml", need: creditflow.RoleViewer},
		{method: "GET", path: "/api/kpis?as_of=2025-03-01", need: creditflow.RoleViewer},
		{method: "GET", path: "/api/aging?as_of=2025-03-01", need: creditflow.RoleViewer},
		{method: "GET", path: "/api/aging?as_of=2025-03-01&group=customer", need: creditflow.RoleViewer},
		{method: "GET", path: "/api/aging?as_of=2025-03-01&group=segment", need: creditflow.RoleViewer},
		{method: "GET", path: "/api/open-items?as_of=2025-03-01&customer_id=C1&sort=open_amount&limit=10&offset=0", need: creditflow.RoleViewer},
		{method: "GET", path: "/api/stats", need: creditflow.RoleViewer},
		{method: "POST", path: "/api/ingest", need: creditflow.RoleAdmin, body: reupload},
		{method: "GET", path: "/api/customers?as_of=2025-03-01", need: creditflow.RoleViewer},
		{method: "GET", path: "/api/alerts?as_of=2025-03-01", need: creditflow.RoleViewer},
		{method: "GET", path: "/api/legal/collection-costs?amount=1000.00&kind=b2b", need: creditflow.RoleViewer},
		{method: "GET", path: "/api/legal/interest?amount=1000.00&from=2025-01-01&to=2025-03-01&kind=b2c", need: creditflow.RoleViewer},
		{method: "GET", path: "/api/dunning/worklist?as_of=2025-03-01", need: creditflow.RoleViewer},
		{method: "GET", path: "/api/unmatched?limit=5", need: creditflow.RoleViewer},
		{method: "GET", path: "/api/today?as_of=2025-03-01", need: creditflow.RoleViewer},
		{method: "GET", path: "/api/search?q=jansen&limit=5", need: creditflow.RoleViewer},
		{method: "POST", path: "/api/actions", need: creditflow.RoleCollector, ok: http.StatusCreated, body: func(t *testing.T) ([]byte, string) {
			return []byte(`{"customer_id": "C1", "type": "note", "date": "2025-03-01", "note": "called, no answer"}`), "application/json"
		}},
		{method: "POST", path: "/api/letters/send", need: creditflow.RoleCollector, body: func(t *testing.T) ([]byte, string) {
			return []byte(`{"date": "2025-03-01", "dry_run": true}`), "application/json"
		}},
	}
	creds := []struct {
		name   string
		header string          // the Authorization header; "" for none
		role   creditflow.Role // "" when the credential is not valid
	}{
		{name: "no token"},
		{name: "basic auth", header: "Basic dXNlcjpwYXNz"},
		{name: "bearer without token", header: "Bearer "},
		{name: "token without bearer", header: tok.admin},
		{name: "not a creditflow token", header: "Bearer abc.def.ghi"},
		{name: "unknown token", header: "Bearer cf_0123456789ab_" + strings.Repeat("ab", 24)},
		{name: "wrong secret", header: "Bearer " + wrongSecret},
		{name: "viewer", header: "Bearer " + tok.viewer, role: creditflow.RoleViewer},
		{name: "collector", header: "Bearer " + tok.collector, role: creditflow.RoleCollector},
		{name: "admin", header: "Bearer " + tok.admin, role: creditflow.RoleAdmin},
	}
	for _, rt := range routes {
		for _, c := range creds {
			want := http.StatusOK
			if rt.ok != 0 {
				want = rt.ok
			}
			switch {
			case rt.need == "":
			case c.role == "":
				want = http.StatusUnauthorized
			case !c.role.Allows(rt.need):
				want = http.StatusForbidden
			}
			t.Run(rt.method+" "+rt.path+"/"+c.name, func(t *testing.T) {
				var b []byte
				var ct string
				if rt.body != nil {
					b, ct = rt.body(t)
				}
				req := newRequest(t, rt.method, srv.URL+rt.path, "", b, ct)
				if c.header != "" {
					req.Header.Set("Authorization", c.header)
				}
				resp := do(t, req)
				if want >= 400 {
					checkJSONError(t, rt.method+" "+rt.path, resp, want)
					return
				}
				if resp.status != want {
					t.Fatalf("status %d, want %d: %s", resp.status, want, resp.body)
				}
			})
		}
	}
}

// TestAPIBadRequests checks that bad parameters get 400 with a message that
// names the parameter, never a 500.
func TestAPIBadRequests(t *testing.T) {
	srv, tok := serveTestDB(t, ledgerTestDB(t))

	noFile, noFileType := multipartBody(t, nil, map[string]string{"kind": "invoices"})
	badKind, badKindType := multipartBody(t, ledgerFiles[:1], map[string]string{"kind": "bogus"})
	// A file whose name and columns tell no table; one with the columns of invoices is read as invoices.
	noKind, noKindType := multipartBody(t, []upload{{"ledger.csv", "what,when\nx,y\n"}}, nil)
	tests := []struct {
		name, method, path string
		body               []byte
		contentType        string
		want               string // in the error message
	}{
		{name: "month 13", path: "/api/kpis?as_of=2025-13-01", want: "as_of"},
		{name: "word for a date", path: "/api/aging?as_of=yesterday", want: "as_of"},
		{name: "date with a time", path: "/api/aging?as_of=2025-03-01T00:00:00Z", want: "as_of"},
		{name: "zero date", path: "/api/aging?as_of=0001-01-01", want: "as-of"},
		{name: "open items bad date", path: "/api/open-items?as_of=31-12-2024", want: "as_of"},
		{name: "not a leap year", path: "/api/kpis?as_of=2025-02-29", want: "as_of"},
		{name: "negative limit", path: "/api/open-items?limit=-1", want: "limit"},
		{name: "limit not a number", path: "/api/open-items?limit=abc", want: "limit"},
		{name: "limit too large", path: "/api/open-items?limit=10001", want: "limit"},
		{name: "limit overflows", path: "/api/open-items?limit=99999999999999999999", want: "limit"},
		{name: "offset not a number", path: "/api/open-items?offset=x", want: "offset"},
		{name: "negative offset", path: "/api/open-items?offset=-5", want: "offset"},
		{name: "unknown sort", path: "/api/open-items?sort=bogus", want: "sort"},
		{name: "unknown group", path: "/api/aging?group=bogus", want: "group"},
		{name: "group page negative limit", path: "/api/aging?group=customer&limit=-1", want: "limit"},
		{name: "group page bad offset", path: "/api/aging?group=segment&offset=x", want: "offset"},
		{name: "group page limit too large", path: "/api/aging?group=customer&limit=10001", want: "limit"},
		{name: "ingest without a body", method: "POST", path: "/api/ingest", want: "multipart"},
		{name: "ingest of a form", method: "POST", path: "/api/ingest", body: []byte("file=abc"),
			contentType: "application/x-www-form-urlencoded", want: "multipart"},
		{name: "ingest without files", method: "POST", path: "/api/ingest", body: noFile, contentType: noFileType, want: "no files"},
		{name: "ingest of an unknown kind", method: "POST", path: "/api/ingest", body: badKind, contentType: badKindType, want: "kind"},
		{name: "ingest of a file without kind", method: "POST", path: "/api/ingest", body: noKind, contentType: noKindType, want: "ledger.csv"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := tt.method
			if method == "" {
				method = http.MethodGet
			}
			resp := do(t, newRequest(t, method, srv.URL+tt.path, tok.admin, tt.body, tt.contentType))
			e := checkJSONError(t, method+" "+tt.path, resp, http.StatusBadRequest)
			if !strings.Contains(e.Error, tt.want) {
				t.Errorf("error %q does not mention %q", e.Error, tt.want)
			}
		})
	}
}

// TestAPIIngestRejectsBadFile checks that a bad upload gets 400 with its
// problems listed and leaves the database as it was, even when it comes
// with good files.
func TestAPIIngestRejectsBadFile(t *testing.T) {
	db := ledgerTestDB(t)
	srv, tok := serveTestDB(t, db)
	before := ledgerStats(t, srv.URL, tok.viewer)

	badInvoices := `invoice_id,customer_id,invoice_date,due_date,amount,currency
I10,C1,2025-03-01,2025-03-31,10.00,EUR
I11,C1,2025-13-01,,10.00,EUR
I12,C2,2025-03-02,,1.234,EUR
`
	goodCustomers := "customer_id,name\nC9,New Customer\n"
	body, ct := multipartBody(t, []upload{{"customers-new.csv", goodCustomers}, {"invoices-march.csv", badInvoices}}, nil)
	resp := do(t, newRequest(t, http.MethodPost, srv.URL+"/api/ingest", tok.admin, body, ct))
	e := checkJSONError(t, "bad upload", resp, http.StatusBadRequest)
	for _, want := range []string{"invoices-march.csv", "rejected", "nothing was loaded"} {
		if !strings.Contains(e.Error, want) {
			t.Errorf("error %q lacks %q", e.Error, want)
		}
	}
	if strings.Contains(e.Error, "creditflow-upload-") || strings.Contains(e.Error, "-invoices-march.csv") {
		t.Errorf("error %q shows the server's temporary file name", e.Error)
	}
	want := []ingest.Problem{
		{Line: 3, Column: "invoice_date", Value: "2025-13-01", Expected: "a date as YYYY-MM-DD"},
		{Line: 4, Column: "amount", Value: "1.234", Expected: "an amount with a dot and at most two decimals"},
	}
	if len(e.Problems) != len(want) {
		t.Fatalf("problems = %+v, want %d of them", e.Problems, len(want))
	}
	for i, p := range e.Problems {
		w := want[i]
		if p.File != "invoices-march.csv" || p.Line != w.Line || p.Column != w.Column || p.Value != w.Value || !strings.HasPrefix(p.Expected, w.Expected) {
			t.Errorf("problem %d = %+v, want %+v", i, p, w)
		}
	}
	if after := ledgerStats(t, srv.URL, tok.viewer); after != before {
		t.Errorf("stats after a rejected upload = %+v, want %+v (unchanged)", after, before)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM customers WHERE customer_id = 'C9'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("customer C9 of the rejected run: %d rows (%v); want none", n, err)
	}
}

// TestAPINotFound checks the JSON answers of routes that do not exist.
func TestAPINotFound(t *testing.T) {
	srv, tok := serveTestDB(t, openAPITestDB(t))
	tests := []struct {
		name, method, path, token string
		status                    []int // any of these
	}{
		{"unknown route", "GET", "/api/nope", tok.viewer, []int{http.StatusNotFound}},
		{"unknown route without a token", "GET", "/api/nope", "", []int{http.StatusNotFound}},
		{"below a route", "GET", "/api/stats/customers", tok.viewer, []int{http.StatusNotFound}},
		{"api root", "GET", "/api/", tok.viewer, []int{http.StatusNotFound}},
		{"GET of ingest", "GET", "/api/ingest", tok.admin, []int{http.StatusMethodNotAllowed}},
		{"wrong method on a read", "DELETE", "/api/stats", tok.admin, []int{http.StatusMethodNotAllowed}},
		{"wrong method on a route with a parameter", "POST", "/api/customers/C1", tok.admin, []int{http.StatusMethodNotAllowed}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := do(t, newRequest(t, tt.method, srv.URL+tt.path, tt.token, nil, ""))
			want := tt.status[0]
			if slices.Contains(tt.status, resp.status) {
				want = resp.status
			}
			checkJSONError(t, tt.method+" "+tt.path, resp, want)
		})
	}
}

// TestAPIAging compares GET /api/aging on the small ledger with the golden
// file, worked out by hand (see ledgerCustomersCSV), and checks its shape.
func TestAPIAging(t *testing.T) {
	srv, tok := serveTestDB(t, ledgerTestDB(t))

	// as_of defaults to the server's today, 2025-03-01.
	for _, path := range []string{"/api/aging?as_of=2025-03-01", "/api/aging"} {
		t.Run(path, func(t *testing.T) {
			resp := getJSON(t, srv.URL+path, tok.viewer, nil)
			if ct := resp.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q", ct)
			}
			golden := filepath.Join("testdata", "aging.golden.json")
			if *updateGolden {
				if err := os.WriteFile(golden, resp.body, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(resp.body, want) {
				t.Errorf("GET %s differs from %s:\n got %s\nwant %s", path, golden, resp.body, want)
			}
			// Amounts are numbers with two decimals, in the raw body.
			for _, s := range []string{`"open_total": 150.75`, `"overdue_total": 110.75`, `"unapplied_credit": 0.00`,
				`"amount": 30.50`, `"amount": 80.25`, `"amount": 40.00`, `"amount": 0.00`, `"as_of": "2025-03-01"`} {
				if !bytes.Contains(resp.body, []byte(s)) {
					t.Errorf("body lacks %s:\n%s", s, resp.body)
				}
			}
			checkAgingShape(t, resp.body)
		})
	}

	t.Run("by customer", func(t *testing.T) {
		var got struct {
			AsOf   string `json:"as_of"`
			Group  string `json:"group"`
			Groups []struct {
				Key          string  `json:"key"`
				Name         string  `json:"name"`
				OpenTotal    float64 `json:"open_total"`
				OverdueTotal float64 `json:"overdue_total"`
			} `json:"groups"`
		}
		getJSON(t, srv.URL+"/api/aging?as_of=2025-03-01&group=customer", tok.viewer, &got)
		want := []string{"C2 Jan Jansen 80.25 80.25", "C3 C3 40.00 0.00", "C1 Bakkerij de Vries B.V. 30.50 30.50"}
		var lines []string
		for _, g := range got.Groups {
			lines = append(lines, fmt.Sprintf("%s %s %.2f %.2f", g.Key, g.Name, g.OpenTotal, g.OverdueTotal))
		}
		if got.AsOf != "2025-03-01" || got.Group != "customer" || !slices.Equal(lines, want) {
			t.Errorf("aging by customer = %s %s %q, want 2025-03-01 customer %q", got.AsOf, got.Group, lines, want)
		}
	})
}

// checkAgingShape checks that body has exactly the documented fields.
func checkAgingShape(t *testing.T, body []byte) {
	t.Helper()
	top := jsonObject(t, "aging", body, "as_of", "buckets", "currency", "open_total", "overdue_total", "unapplied_credit")
	var buckets []json.RawMessage
	if err := json.Unmarshal(top["buckets"], &buckets); err != nil {
		t.Fatal(err)
	}
	var labels []string
	for _, raw := range buckets {
		b := jsonObject(t, "bucket", raw, "amount", "count", "label")
		var l string
		json.Unmarshal(b["label"], &l)
		labels = append(labels, l)
	}
	if want := []string{"current", "1-30", "31-60", "61-90", "90+"}; !slices.Equal(labels, want) {
		t.Errorf("bucket labels %q, want %q", labels, want)
	}
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// jsonObject decodes raw, which must be a JSON object, and checks that it
// has exactly the fields want; what names it in the errors.
func jsonObject(t *testing.T, what string, raw []byte, want ...string) map[string]json.RawMessage {
	t.Helper()
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		t.Fatalf("%s: %v in %s", what, err, raw)
	}
	if got, want := slices.Sorted(mapKeys(obj)), slices.Sorted(slices.Values(want)); !slices.Equal(got, want) {
		t.Errorf("%s fields %q, want %q", what, got, want)
	}
	return obj
}

// TestAPIOpenItems pages through the open items of the small ledger on
// 2025-03-01: I3 (41 days past due), I2 (20) and I4 (not yet due).
func TestAPIOpenItems(t *testing.T) {
	srv, tok := serveTestDB(t, ledgerTestDB(t))

	type item struct {
		InvoiceID   string  `json:"invoice_id"`
		CustomerID  string  `json:"customer_id"`
		OpenAmount  float64 `json:"open_amount"`
		DaysPastDue int     `json:"days_past_due"`
		Bucket      string  `json:"bucket"`
		DueDate     string  `json:"due_date"`
	}
	type page struct {
		AsOf   string `json:"as_of"`
		Total  int    `json:"total"`
		Limit  int    `json:"limit"`
		Offset int    `json:"offset"`
		Items  []item `json:"items"`
	}
	tests := []struct {
		query         string
		ids           []string
		total, offset int
		limit         int
	}{
		{"", []string{"I3", "I2", "I4"}, 3, 0, 100},
		{"limit=2", []string{"I3", "I2"}, 3, 0, 2},
		{"limit=2&offset=2", []string{"I4"}, 3, 2, 2},
		{"limit=2&offset=5", []string{}, 3, 5, 2},
		{"limit=1&offset=1", []string{"I2"}, 3, 1, 1},
		{"sort=open_amount", []string{"I3", "I4", "I2"}, 3, 0, 100},
		{"sort=due_date", []string{"I3", "I2", "I4"}, 3, 0, 100},
		{"customer_id=C1", []string{"I2"}, 1, 0, 100},
		{"customer_id=C2&limit=5", []string{"I3"}, 1, 0, 5},
		{"customer_id=C9", []string{}, 0, 0, 100},
		{"customer_id=C1&offset=1", []string{}, 1, 1, 100},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			var got page
			resp := getJSON(t, srv.URL+"/api/open-items?as_of=2025-03-01&"+tt.query, tok.viewer, &got)
			if bytes.Contains(resp.body, []byte(`"items": null`)) {
				t.Errorf("items is null, want []")
			}
			ids := []string{}
			for _, it := range got.Items {
				ids = append(ids, it.InvoiceID)
			}
			if got.AsOf != "2025-03-01" || got.Total != tt.total || got.Offset != tt.offset || got.Limit != tt.limit || !slices.Equal(ids, tt.ids) {
				t.Errorf("got as_of %s total %d limit %d offset %d items %q; want 2025-03-01, %d, %d, %d, %q",
					got.AsOf, got.Total, got.Limit, got.Offset, ids, tt.total, tt.limit, tt.offset, tt.ids)
			}
		})
	}

	t.Run("fields", func(t *testing.T) {
		var got page
		resp := getJSON(t, srv.URL+"/api/open-items?as_of=2025-03-01&customer_id=C1", tok.viewer, &got)
		want := []item{{InvoiceID: "I2", CustomerID: "C1", OpenAmount: 30.50, DaysPastDue: 20, Bucket: "1-30", DueDate: "2025-02-09"}}
		if !reflect.DeepEqual(got.Items, want) {
			t.Errorf("items = %+v, want %+v", got.Items, want)
		}
		for _, s := range []string{`"open_amount": 30.50`, `"amount": 250.50`} {
			if !bytes.Contains(resp.body, []byte(s)) {
				t.Errorf("body lacks %s:\n%s", s, resp.body)
			}
		}
	})
}

// TestDashboardLogin walks through the login of a dashboard user and the
// use of the session cookie on the API.
func TestDashboardLogin(t *testing.T) {
	srv, tok := serveTestDB(t, ledgerTestDB(t))

	withCookie := func(req *http.Request, c *http.Cookie) *http.Request {
		req.AddCookie(c)
		return req
	}
	login := func(t *testing.T, token, next string) apiResponse {
		form := url.Values{"token": {token}}
		if next != "" {
			form.Set("next", next)
		}
		return do(t, newRequest(t, http.MethodPost, srv.URL+"/login", "", []byte(form.Encode()), "application/x-www-form-urlencoded"))
	}
	sessionOf := func(t *testing.T, resp apiResponse) *http.Cookie {
		t.Helper()
		for _, c := range (&http.Response{Header: resp.header}).Cookies() {
			if c.Name == "creditflow_session" {
				return c
			}
		}
		t.Fatalf("no session cookie in %q", resp.header.Values("Set-Cookie"))
		return nil
	}

	resp := do(t, newRequest(t, http.MethodGet, srv.URL+"/", "", nil, ""))
	if resp.status != http.StatusSeeOther || resp.header.Get("Location") != "/login?next=%2F" {
		t.Errorf("GET / without a cookie: %d to %q, want 303 to /login?next=%%2F", resp.status, resp.header.Get("Location"))
	}
	resp = do(t, newRequest(t, http.MethodGet, srv.URL+"/login?next=%2F", "", nil, ""))
	if resp.status != http.StatusOK || !bytes.Contains(resp.body, []byte(`name="token"`)) {
		t.Errorf("GET /login: %d, want 200 with a token field:\n%s", resp.status, resp.body)
	}

	resp = login(t, "cf_0123456789ab_"+strings.Repeat("00", 24), "/")
	if resp.status != http.StatusUnauthorized || !bytes.Contains(resp.body, []byte("unknown or revoked")) || !bytes.Contains(resp.body, []byte("<form")) {
		t.Errorf("POST /login with a bad token: %d, want 401 and the login page again:\n%s", resp.status, resp.body)
	}
	if ct, xfo := resp.header.Get("Content-Type"), resp.header.Get("X-Frame-Options"); !strings.HasPrefix(ct, "text/html") || xfo != "DENY" {
		t.Errorf("POST /login with a bad token: Content-Type %q, X-Frame-Options %q; want text/html and DENY", ct, xfo)
	}
	if resp.header.Get("Set-Cookie") != "" {
		t.Errorf("POST /login with a bad token sets a cookie: %q", resp.header.Get("Set-Cookie"))
	}

	resp = login(t, tok.admin, "/")
	if resp.status != http.StatusSeeOther || resp.header.Get("Location") != "/" {
		t.Fatalf("POST /login: %d to %q, want 303 to /", resp.status, resp.header.Get("Location"))
	}
	cookie := sessionOf(t, resp)
	if !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode || cookie.Path != "/" || cookie.Value == "" {
		t.Errorf("session cookie %q: want HttpOnly, SameSite=Strict, Path=/", resp.header.Get("Set-Cookie"))
	}
	if strings.Contains(cookie.Value, tok.admin) {
		t.Errorf("the session cookie holds the API token")
	}

	resp = do(t, withCookie(newRequest(t, http.MethodGet, srv.URL+"/api/kpis?as_of=2025-03-01", "", nil, ""), cookie))
	if resp.status != http.StatusOK {
		t.Fatalf("GET /api/kpis with the session cookie: %d: %s", resp.status, resp.body)
	}
	var kpis creditflow.KPIs
	if err := json.Unmarshal(resp.body, &kpis); err != nil || kpis.OpenTotal.String() != "150.75" || kpis.OpenItems != 3 {
		t.Errorf("KPIs with the session cookie = %+v (%v); want open total 150.75 in 3 items", kpis, err)
	}

	// The CSRF token of the session is in the page's logout form.
	resp = do(t, withCookie(newRequest(t, http.MethodGet, srv.URL+"/", "", nil, ""), cookie))
	if resp.status != http.StatusOK {
		t.Fatalf("GET / with the session cookie: %d:\n%s", resp.status, resp.body)
	}
	m := csrfField.FindSubmatch(resp.body)
	if m == nil {
		t.Fatalf("no csrf_token field on the overview page")
	}
	csrf := string(m[1])

	ingestReq := func(t *testing.T, header string, fields map[string]string) *http.Request {
		body, ct := multipartBody(t, ledgerFiles[:1], fields)
		req := withCookie(newRequest(t, http.MethodPost, srv.URL+"/api/ingest", "", body, ct), cookie)
		if header != "" {
			req.Header.Set("X-CSRF-Token", header)
		}
		return req
	}
	tests := []struct {
		name   string
		header string
		fields map[string]string
		status int
	}{
		{"without a CSRF token", "", nil, http.StatusForbidden},
		{"with a wrong CSRF header", strings.Repeat("0", len(csrf)), nil, http.StatusForbidden},
		{"with a wrong CSRF field", "", map[string]string{"csrf_token": "x" + csrf}, http.StatusForbidden},
		{"with the CSRF header", csrf, nil, http.StatusOK},
		{"with the CSRF field", "", map[string]string{"csrf_token": csrf}, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run("POST /api/ingest "+tt.name, func(t *testing.T) {
			resp := do(t, ingestReq(t, tt.header, tt.fields))
			if tt.status != http.StatusOK {
				checkJSONError(t, "ingest", resp, tt.status)
			} else if resp.status != tt.status {
				t.Errorf("status %d, want %d: %s", resp.status, tt.status, resp.body)
			}
		})
	}

	t.Run("viewer session may not ingest", func(t *testing.T) {
		vc, vcsrf := loginSession(t, srv.URL, tok.viewer)
		body, ct := multipartBody(t, ledgerFiles[:1], nil)
		req := withCookie(newRequest(t, http.MethodPost, srv.URL+"/api/ingest", "", body, ct), vc)
		req.Header.Set("X-CSRF-Token", vcsrf)
		checkJSONError(t, "viewer ingest", do(t, req), http.StatusForbidden)
	})

	// Logging out needs the CSRF token too, then the cookie is dead.
	logout := func(fields url.Values) *http.Request {
		return withCookie(newRequest(t, http.MethodPost, srv.URL+"/logout", "", []byte(fields.Encode()), "application/x-www-form-urlencoded"), cookie)
	}
	checkJSONError(t, "POST /logout without CSRF", do(t, logout(url.Values{})), http.StatusForbidden)
	resp = do(t, logout(url.Values{"csrf_token": {csrf}}))
	if resp.status != http.StatusSeeOther || resp.header.Get("Location") != "/login" {
		t.Errorf("POST /logout: %d to %q, want 303 to /login", resp.status, resp.header.Get("Location"))
	}
	if c := sessionOf(t, resp); c.Value != "" || c.MaxAge >= 0 {
		t.Errorf("POST /logout leaves the cookie: %q", resp.header.Get("Set-Cookie"))
	}
	resp = do(t, withCookie(newRequest(t, http.MethodGet, srv.URL+"/api/kpis?as_of=2025-03-01", "", nil, ""), cookie))
	checkJSONError(t, "GET /api/kpis after logout", resp, http.StatusUnauthorized)
	resp = do(t, withCookie(newRequest(t, http.MethodGet, srv.URL+"/", "", nil, ""), cookie))
	if resp.status != http.StatusSeeOther {
		t.Errorf("GET / after logout: %d, want 303 to the login page", resp.status)
	}
}

// TestLoginRedirect checks that the page after login stays inside the service.
func TestLoginRedirect(t *testing.T) {
	srv, tok := serveTestDB(t, openAPITestDB(t))
	tests := []struct{ next, want string }{
		{"", "/"},
		{"/", "/"},
		{"/?as_of=2025-01-31", "/?as_of=2025-01-31"},
		{"https://evil.example/", "/"},
		{"//evil.example/", "/"},
		{"evil", "/"},
		{"javascript:alert(1)", "/"},
	}
	for _, tt := range tests {
		t.Run(tt.next, func(t *testing.T) {
			form := url.Values{"token": {tok.viewer}, "next": {tt.next}}
			resp := do(t, newRequest(t, http.MethodPost, srv.URL+"/login", "", []byte(form.Encode()), "application/x-www-form-urlencoded"))
			if resp.status != http.StatusSeeOther || resp.header.Get("Location") != tt.want {
				t.Errorf("login with next=%q: %d to %q, want 303 to %q", tt.next, resp.status, resp.header.Get("Location"), tt.want)
			}
		})
	}
}

// TestAPIUpload ingests the small ledger through the API, then again.
func TestAPIUpload(t *testing.T) {
	db := openAPITestDB(t)
	srv, tok := serveTestDB(t, db)

	if got := ledgerStats(t, srv.URL, tok.viewer); got != (creditflow.Stats{}) {
		t.Fatalf("stats of an empty database = %+v", got)
	}
	upload := func(t *testing.T) ingest.Result {
		t.Helper()
		body, ct := multipartBody(t, ledgerFiles, nil)
		resp := do(t, newRequest(t, http.MethodPost, srv.URL+"/api/ingest", tok.admin, body, ct))
		if resp.status != http.StatusOK {
			t.Fatalf("POST /api/ingest: %d: %s", resp.status, resp.body)
		}
		var res ingest.Result
		if err := json.Unmarshal(resp.body, &res); err != nil {
			t.Fatalf("%v in %s", err, resp.body)
		}
		return res
	}

	res := upload(t)
	var files []string
	for _, f := range res.Files {
		files = append(files, fmt.Sprintf("%s %s %d skipped=%v", f.File, f.Kind, f.Rows, f.Skipped))
	}
	wantFiles := []string{"customers.csv customers 2 skipped=false", "invoices.csv invoices 5 skipped=false", "payments.csv payments 4 skipped=false"}
	if !slices.Equal(files, wantFiles) {
		t.Errorf("first upload: files %q, want %q", files, wantFiles)
	}
	if res.Rows[ingest.Customers] != 2 || res.Rows[ingest.Invoices] != 5 || res.Rows[ingest.Payments] != 4 || res.RunID == 0 {
		t.Errorf("first upload: rows %v, run %d", res.Rows, res.RunID)
	}
	// C3 has invoices but no customer row: it is created bare.
	want := creditflow.Stats{Customers: 3, Invoices: 5, Payments: 4}
	got := ledgerStats(t, srv.URL, tok.viewer)
	if got.Customers != want.Customers || got.Invoices != want.Invoices || got.Payments != want.Payments || got.Allocations == 0 {
		t.Errorf("stats after upload = %+v, want %+v and some allocations", got, want)
	}
	var actor string
	if err := db.QueryRow(`SELECT actor FROM audit_log WHERE action = 'ingest'`).Scan(&actor); err != nil || actor != "api:test admin" {
		t.Errorf("audit log actor = %q (%v), want api:test admin", actor, err)
	}

	res = upload(t)
	for _, f := range res.Files {
		if !f.Skipped || !strings.Contains(f.Message, "skipped") {
			t.Errorf("second upload of %s: skipped=%v message %q; want skipped", f.File, f.Skipped, f.Message)
		}
	}
	if len(res.Files) != 3 {
		t.Errorf("second upload: %d file results, want 3", len(res.Files))
	}
	if again := ledgerStats(t, srv.URL, tok.viewer); again != got {
		t.Errorf("stats after the second upload = %+v, want %+v", again, got)
	}
}

// TestAPIUploadLimit checks that uploads above Config.MaxUploadBytes are
// refused, however the request is authenticated.
func TestAPIUploadLimit(t *testing.T) {
	srv, tok := serveTestDB(t, openAPITestDB(t), func(c *web.Config) { c.MaxUploadBytes = 4 << 10 })
	cookie, csrf := loginSession(t, srv.URL, tok.admin)

	// About 10 KiB of good invoices: only their size is wrong.
	var big strings.Builder
	big.WriteString("invoice_id,customer_id,invoice_date,amount\n")
	for i := range 300 {
		fmt.Fprintf(&big, "I%04d,C1,2025-01-01,10.00\n", i)
	}
	tests := []struct {
		name string
		// prepare sets the credentials, given the form fields to send.
		fields  map[string]string
		prepare func(*http.Request)
	}{
		{name: "bearer", prepare: func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok.admin) }},
		{name: "cookie and CSRF header", prepare: func(r *http.Request) { r.AddCookie(cookie); r.Header.Set("X-CSRF-Token", csrf) }},
		{name: "cookie and CSRF field", fields: map[string]string{"csrf_token": csrf}, prepare: func(r *http.Request) { r.AddCookie(cookie) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, ct := multipartBody(t, []upload{{"invoices.csv", big.String()}}, tt.fields)
			req := newRequest(t, http.MethodPost, srv.URL+"/api/ingest", "", body, ct)
			tt.prepare(req)
			resp := do(t, req)
			if resp.status != http.StatusRequestEntityTooLarge && resp.status != http.StatusBadRequest {
				t.Fatalf("upload of %d bytes with a limit of 4 KiB: %d, want 413 or 400: %s", len(body), resp.status, resp.body)
			}
			if e := checkJSONError(t, "big upload", resp, resp.status); !strings.Contains(e.Error, "too large") {
				t.Errorf("error %q does not say the upload is too large", e.Error)
			}
			if st := ledgerStats(t, srv.URL, tok.viewer); st.Invoices != 0 {
				t.Errorf("%d invoices loaded from a refused upload", st.Invoices)
			}
		})
	}
}

// eofReader signals when its reader is read to the end.
type eofReader struct {
	r    io.Reader
	done chan struct{}
	once atomic.Bool
}

func (e *eofReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err == io.EOF && e.once.CompareAndSwap(false, true) {
		close(e.done)
	}
	return n, err
}

// TestAPIReadsDuringIngest uploads a generated ledger and reads stats while
// the server ingests it: reads answer, and see the last committed state.
func TestAPIReadsDuringIngest(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and ingests 50,000 invoices")
	}
	srv, tok := serveTestDB(t, openAPITestDB(t))

	dir := t.TempDir()
	ctx := context.Background()
	sum, err := demo.Generate(ctx, dir, demo.Config{Customers: 500, Invoices: 50000, Seed: 1, End: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Years: 2})
	if err != nil {
		t.Fatal(err)
	}
	var files []upload
	for _, name := range []string{demo.CustomersFile, demo.InvoicesFile, demo.PaymentsFile} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, upload{name, string(b)})
	}
	body, ct := multipartBody(t, files, nil)

	sent := &eofReader{r: bytes.NewReader(body), done: make(chan struct{})}
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/api/ingest", sent)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = int64(len(body))
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Authorization", "Bearer "+tok.admin)
	ingested := make(chan apiResponse, 1)
	go func() {
		resp, err := noRedirects.Do(req)
		if err != nil {
			ingested <- apiResponse{body: []byte(err.Error())}
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		ingested <- apiResponse{status: resp.StatusCode, body: b}
	}()

	// Once the upload is sent, the server is busy ingesting it: every read
	// until its answer comes is a read during the ingest.
	select {
	case <-sent.done:
	case r := <-ingested:
		t.Fatalf("ingest answered before its upload was read: %d %s", r.status, r.body)
	}
	var during int
	var resp apiResponse
	for done := false; !done; {
		st := ledgerStats(t, srv.URL, tok.viewer)
		select {
		case resp = <-ingested:
			done = true
		default:
			during++
			if st.Invoices != 0 && st.Invoices != int64(sum.Invoices) {
				t.Fatalf("stats during the ingest = %+v: neither before nor after", st)
			}
		}
	}
	if resp.status != http.StatusOK {
		t.Fatalf("POST /api/ingest: %d: %s", resp.status, resp.body)
	}
	if during == 0 {
		t.Fatalf("no GET /api/stats answered while the ingest ran")
	}
	t.Logf("%d reads answered during the ingest", during)
	st := ledgerStats(t, srv.URL, tok.viewer)
	if st.Invoices != int64(sum.Invoices) || st.Payments != int64(sum.Payments) || st.Customers != int64(sum.Customers) {
		t.Errorf("stats after the ingest = %+v, want %d customers, %d invoices, %d payments", st, sum.Customers, sum.Invoices, sum.Payments)
	}
}

// TestAPIIngestDialect uploads an export with its mapping file and wants
// what was detected in the answer.
func TestAPIIngestDialect(t *testing.T) {
	db := ledgerTestDB(t)
	srv, tok := serveTestDB(t, db)
	export := "Nr;Klant;Datum;Te ontvangen\nF-77;C1;31-01-2025;1.234,56\n"
	mapping := `{"invoices": {"columns": {"invoice_id": "Nr", "customer_id": "Klant", "invoice_date": "Datum", "amount": "Te ontvangen"}, "constants": {"currency": "EUR"}}}`
	body, ct := multipartBody(t, []upload{{"export.csv", export}}, map[string]string{"mapping": mapping})
	resp := do(t, newRequest(t, http.MethodPost, srv.URL+"/api/ingest", tok.admin, body, ct))
	if resp.status != http.StatusOK {
		t.Fatalf("status %d: %s", resp.status, resp.body)
	}
	var res ingest.Result
	if err := json.Unmarshal(resp.body, &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Files) != 1 || res.Files[0].Dialect == nil {
		t.Fatalf("files = %+v", res.Files)
	}
	f := res.Files[0]
	if d := f.Dialect; f.Kind != ingest.Invoices || d.Delimiter != "semicolon" || d.DecimalStyle != "1.234,56" || d.DateStyle != "dd-mm-yyyy" ||
		d.Constants["currency"] != "EUR" || len(d.Columns) != 4 || d.Columns[3] != (dialect.ColumnMapping{Source: "Te ontvangen", Column: "amount"}) {
		t.Errorf("file = %+v, dialect %+v", f, *d)
	}
	var amount string
	if err := db.QueryRow(`SELECT CAST(amount AS VARCHAR) FROM invoices WHERE invoice_id = 'F-77'`).Scan(&amount); err != nil || amount != "1234.56" {
		t.Errorf("amount %q (%v), want 1234.56", amount, err)
	}
}
