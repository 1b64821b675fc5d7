package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/ingest"
	"github.com/creditflow/creditflow/present"
	"github.com/creditflow/creditflow/store"
	"github.com/creditflow/creditflow/web"
)

// updateGolden rewrites the golden files in testdata/ with what the tests get.
var updateGolden = flag.Bool("update", false, "rewrite the golden files in testdata/ and the screenshots in docs/")

// apiNow is the fixed clock of the API tests: as_of defaults to its day.
var apiNow = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

// The small ledger of the API tests, copied from ingest/ingest_test.go. Its
// open items on 2025-03-01, worked out by hand (C1 pays in 30 days, so I2 is
// due 2025-02-09):
//
//	I1 100.00  settled by P1, which names it; credit note CN1 (02-01) was
//	           first put on I1, the oldest invoice, and moves to I2 on 02-05
//	I2 250.50  CN1 20.00 and lump payment P2 200.00 leave 30.50; 20 days past due
//	I3  80.25  paid by P3, reversed by P4: open; due 01-19, 41 days past due
//	I4  40.00  not yet due (03-12); customer C3 is created bare
//
// Open 150.75, overdue 110.75, no unapplied credit.
const (
	ledgerCustomersCSV = `customer_id,name,country,segment,kind,payment_terms_days,credit_limit,registration_id,email,phone,account_manager
C1,Bakkerij de Vries B.V.,NL,retail,b2b,30,5000.00,12345678,info@devries.nl,+31201234567,Anna
C2,Jan Jansen,NL,consumer,b2c,14,,,jan@example.nl,,Piet
`
	ledgerInvoicesCSV = `invoice_id,customer_id,invoice_date,due_date,amount,currency,disputed,description
I1,C1,2025-01-01,2025-01-31,100.00,EUR,false,first
I2,C1,2025-01-10,,250.50,EUR,no,second
I3,C2,2025-01-05,2025-01-19,80.25,,0,
CN1,C1,2025-02-01,2025-02-01,-20.00,EUR,false,credit note on I2
I4,C3,2025-02-10,2025-03-12,40.00,EUR,true,unknown customer becomes bare
`
	ledgerPaymentsCSV = `payment_id,customer_id,invoice_id,payment_date,amount,method,reference
P1,C1,I1,2025-02-05,100.00,transfer,I1
P2,C1,,2025-02-20,200.00,transfer,lump
P3,C2,I3,2025-01-20,80.25,direct_debit,
P4,C2,I3,2025-01-25,-80.25,direct_debit,stornering
`
)

// ledgerFiles are the files of the small ledger, as name → content pairs.
var ledgerFiles = []upload{
	{"customers.csv", ledgerCustomersCSV},
	{"invoices.csv", ledgerInvoicesCSV},
	{"payments.csv", ledgerPaymentsCSV},
}

// openAPITestDB returns an empty ledger database in a temporary directory.
func openAPITestDB(tb testing.TB) *store.DB {
	tb.Helper()
	db, err := store.Open(context.Background(), filepath.Join(tb.TempDir(), "api.duckdb"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// ingestLedger loads the small ledger into db, bypassing HTTP.
func ingestLedger(tb testing.TB, db *store.DB) {
	tb.Helper()
	dir := tb.TempDir()
	var paths []string
	for _, f := range ledgerFiles {
		p := filepath.Join(dir, f.name)
		if err := os.WriteFile(p, []byte(f.content), 0o644); err != nil {
			tb.Fatal(err)
		}
		paths = append(paths, p)
	}
	if _, err := ingest.Files(context.Background(), db, paths, ingest.Options{Now: func() time.Time { return apiNow }}); err != nil {
		tb.Fatalf("ingest ledger: %v", err)
	}
}

// ledgerTestDB returns a database with the small ledger.
func ledgerTestDB(tb testing.TB) *store.DB {
	tb.Helper()
	db := openAPITestDB(tb)
	ingestLedger(tb, db)
	return db
}

// serveTestDB creates a token of each role in db and serves it as
// startAPIServer does.
func serveTestDB(tb testing.TB, db *store.DB, configure ...func(*web.Config)) (*httptest.Server, apiTokens) {
	tb.Helper()
	tok := createTokens(tb, db)
	return startAPIServer(tb, db, configure...), tok
}

// apiTokens are one token of each role.
type apiTokens struct {
	viewer, collector, admin string
}

func createTokens(tb testing.TB, db *store.DB) apiTokens {
	tb.Helper()
	mk := func(role creditflow.Role) string {
		tok, err := app.CreateToken(context.Background(), db, role, "test "+string(role), apiNow)
		if err != nil {
			tb.Fatalf("create %s token: %v", role, err)
		}
		return tok
	}
	return apiTokens{viewer: mk(creditflow.RoleViewer), collector: mk(creditflow.RoleCollector), admin: mk(creditflow.RoleAdmin)}
}

// startAPIServer serves db on a local port with the fixed clock, logging
// warnings into the test log; configure changes the configuration.
func startAPIServer(tb testing.TB, db *store.DB, configure ...func(*web.Config)) *httptest.Server {
	tb.Helper()
	log := slog.New(slog.NewTextHandler(testLog{tb}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	// The tests read the pages in English unless they ask for Dutch.
	cfg := web.Config{DB: db, Logger: log, Now: func() time.Time { return apiNow }, Lang: present.EN}
	for _, f := range configure {
		f(&cfg)
	}
	srv := httptest.NewServer(web.New(cfg))
	tb.Cleanup(srv.Close)
	return srv
}

// testLog writes server logs into the test log.
type testLog struct{ tb testing.TB }

func (w testLog) Write(p []byte) (int, error) {
	w.tb.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// noRedirects is a client that shows redirects instead of following them.
var noRedirects = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Timeout:       2 * time.Minute,
}

// upload is one file of a multipart upload.
type upload struct{ name, content string }

// multipartBody encodes files as form field "file", plus extra form fields.
func multipartBody(tb testing.TB, files []upload, fields map[string]string) (body []byte, contentType string) {
	tb.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			tb.Fatal(err)
		}
	}
	for _, f := range files {
		fw, err := mw.CreateFormFile("file", f.name)
		if err != nil {
			tb.Fatal(err)
		}
		io.WriteString(fw, f.content)
	}
	if err := mw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes(), mw.FormDataContentType()
}

// apiResponse is a response read to the end.
type apiResponse struct {
	status int
	header http.Header
	body   []byte
}

// do sends req and reads the whole answer.
func do(tb testing.TB, req *http.Request) apiResponse {
	tb.Helper()
	resp, err := noRedirects.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("%s %s: read body: %v", req.Method, req.URL, err)
	}
	return apiResponse{status: resp.StatusCode, header: resp.Header, body: body}
}

// newRequest builds a request with an optional bearer token ("" for none).
func newRequest(tb testing.TB, method, url, token string, body []byte, contentType string) *http.Request {
	tb.Helper()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		tb.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req
}

// getJSON does GET url with a bearer token, expects 200 and decodes the body.
func getJSON(tb testing.TB, url, token string, v any) apiResponse {
	tb.Helper()
	resp := do(tb, newRequest(tb, http.MethodGet, url, token, nil, ""))
	if resp.status != http.StatusOK {
		tb.Fatalf("GET %s: status %d, want 200: %s", url, resp.status, resp.body)
	}
	if v != nil {
		if err := json.Unmarshal(resp.body, v); err != nil {
			tb.Fatalf("GET %s: %v in %s", url, err, resp.body)
		}
	}
	return resp
}

// getPage does GET url with a session cookie, or none when it is nil.
func getPage(tb testing.TB, url string, cookie *http.Cookie) apiResponse {
	tb.Helper()
	req := newRequest(tb, http.MethodGet, url, "", nil, "")
	if cookie != nil {
		req.AddCookie(cookie)
	}
	return do(tb, req)
}

// badRequest is a GET that the API must refuse with 400 and a message that
// mentions want.
type badRequest struct {
	name, path string
	want       string // in the error message
}

// checkBadRequests sends each request to base with token.
func checkBadRequests(t *testing.T, base, token string, requests []badRequest) {
	t.Helper()
	for _, tt := range requests {
		t.Run(tt.name, func(t *testing.T) {
			resp := do(t, newRequest(t, http.MethodGet, base+tt.path, token, nil, ""))
			e := checkJSONError(t, tt.path, resp, http.StatusBadRequest)
			if !strings.Contains(e.Error, tt.want) {
				t.Errorf("error %q does not mention %q", e.Error, tt.want)
			}
		})
	}
}

// openItemsOf is GET url, /api/open-items, which must list some.
func openItemsOf(t *testing.T, url, token string) ([]map[string]any, apiResponse) {
	t.Helper()
	var page struct {
		Items []map[string]any `json:"items"`
	}
	resp := getJSON(t, url, token, &page)
	if len(page.Items) == 0 {
		t.Fatal("no open items")
	}
	return page.Items, resp
}

// errorAnswer is the JSON of an error response.
type errorAnswer struct {
	Error    string           `json:"error"`
	Problems []ingest.Problem `json:"problems"`
}

// checkJSONError checks that resp is a JSON error with the given status and
// returns it decoded.
func checkJSONError(tb testing.TB, what string, resp apiResponse, status int) errorAnswer {
	tb.Helper()
	if resp.status != status {
		tb.Errorf("%s: status %d, want %d: %s", what, resp.status, status, resp.body)
	}
	if ct := resp.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		tb.Errorf("%s: Content-Type %q, want application/json", what, ct)
	}
	var e errorAnswer
	if err := json.Unmarshal(resp.body, &e); err != nil {
		tb.Errorf("%s: error body is not JSON: %v: %s", what, err, resp.body)
	}
	if e.Error == "" {
		tb.Errorf("%s: error body without a message: %s", what, resp.body)
	}
	return e
}

// ledgerStats is GET /api/stats.
func ledgerStats(tb testing.TB, base, token string) creditflow.Stats {
	tb.Helper()
	var st creditflow.Stats
	getJSON(tb, base+"/api/stats", token, &st)
	return st
}

// csrfField finds the session's CSRF token in a dashboard page.
var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// loginSession logs in to the dashboard with token and returns the session
// cookie and its CSRF token, read from the overview page.
func loginSession(tb testing.TB, base, token string) (*http.Cookie, string) {
	tb.Helper()
	form := url.Values{"token": {token}}
	resp := do(tb, newRequest(tb, http.MethodPost, base+"/login", "", []byte(form.Encode()), "application/x-www-form-urlencoded"))
	if resp.status != http.StatusSeeOther {
		tb.Fatalf("POST /login: %d, want 303: %s", resp.status, resp.body)
	}
	var cookie *http.Cookie
	for _, c := range (&http.Response{Header: resp.header}).Cookies() {
		if c.Name == "creditflow_session" {
			cookie = c
		}
	}
	if cookie == nil {
		tb.Fatalf("POST /login: no session cookie in %q", resp.header.Values("Set-Cookie"))
	}
	resp = getPage(tb, base+"/", cookie)
	m := csrfField.FindSubmatch(resp.body)
	if resp.status != http.StatusOK || m == nil {
		tb.Fatalf("GET / with the session cookie: %d, no csrf_token field:\n%s", resp.status, resp.body)
	}
	return cookie, string(m[1])
}
