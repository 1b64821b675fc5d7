package web_test

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/creditflow/creditflow/bank"
	"github.com/creditflow/creditflow/ingest"
	"github.com/creditflow/creditflow/store"
	"github.com/creditflow/creditflow/store/storetest"
)

// searchTestDB loads the test ledger of package search (search/testdata):
// six customers, among them "Café 't Hoekje B.V." (C3) and "Müller &
// Schäfer GmbH" (C4), five invoices, payments with references, two known
// IBANs and a statement with one credit booked by the matcher (end-to-end
// id E2E-DEVRIES-0002) and one waiting to be matched.
func searchTestDB(tb testing.TB) *store.DB {
	tb.Helper()
	db := storetest.MustOpen(tb)
	var paths []string
	for _, name := range []string{"customers.csv", "invoices.csv", "payments.csv", "customer_accounts.csv", "statement.xml"} {
		paths = append(paths, filepath.Join("..", "search", "testdata", name))
	}
	res, err := ingest.Files(context.Background(), db, paths, ingest.Options{Now: func() time.Time { return apiNow }, Statements: bank.BookStatements})
	if err != nil {
		tb.Fatal(err)
	}
	if res.Statements == nil || res.Statements.Unmatched != 1 {
		tb.Fatalf("statement: %+v; want 1 credit waiting", res.Statements)
	}
	return db
}

// searchAnswer is GET /api/search.
type searchAnswer struct {
	Query   string `json:"query"`
	Results []struct {
		Kind       string `json:"kind"`
		KindLabel  string `json:"kind_label"`
		Label      string `json:"label"`
		Detail     string `json:"detail"`
		Link       string `json:"link"`
		CustomerID string `json:"customer_id"`
		InvoiceID  string `json:"invoice_id"`
		Exact      bool   `json:"exact"`
	} `json:"results"`
}

func TestAPISearch(t *testing.T) {
	srv, tok := serveTestDB(t, searchTestDB(t))
	// first is what the first result must be; detail, the parts its
	// detail has.
	type first struct {
		kind, label, link, customer string
		exact                       bool
		detail                      []string
	}
	for _, tt := range []struct {
		what, query string
		want        first
		// n is the number of results, when the test checks it.
		n int
	}{
		{what: "name in capitals without accents", query: "q=CAFE+HOEKJE",
			want: first{kind: "customer", label: "Café 't Hoekje B.V.", link: "/customers/C3", customer: "C3", detail: []string{"Customer C3"}}},
		{what: "name with accents, a part of it", query: "q=sch%C3%A4fer",
			want: first{kind: "customer", label: "Müller & Schäfer GmbH", link: "/customers/C4", customer: "C4"}},
		{what: "the start of a name before the start of a word", query: "q=jansen&kind=customer", n: 2,
			want: first{kind: "customer", label: "Jansen Groothandel", link: "/customers/C5", customer: "C5"}},
		{what: "customer id", query: "q=c10",
			want: first{kind: "customer", label: "Vries Logistiek", link: "/customers/C10", customer: "C10", exact: true}},
		{what: "invoice number", query: "q=inv-2025-0100",
			want: first{kind: "invoice", label: "INV-2025-0100", link: "/customers/C4?invoice=INV-2025-0100#found-invoice", customer: "C4", exact: true,
				detail: []string{"Müller & Schäfer GmbH", "EUR 1,234.56", "dated 20 January 2025", "paid on 15 February 2025"}}},
		{what: "an open invoice", query: "q=INV-2025-0101",
			want: first{kind: "invoice", label: "INV-2025-0101", link: "/customers/C5?invoice=INV-2025-0101#found-invoice", customer: "C5", exact: true,
				detail: []string{"EUR 40.00", "open"}}},
		{what: "IBAN with spaces", query: "q=" + url.QueryEscape("nl91 abna 0417 1643 00"), n: 1,
			want: first{kind: "iban", label: "NL91 ABNA 0417 1643 00", link: "/customers/C3", customer: "C3", exact: true,
				detail: []string{"Café 't Hoekje B.V.", "C3"}}},
		{what: "payment reference", query: "q=termijn+3",
			want: first{kind: "payment", label: "Hoekje termijn 3 van 4", link: "/customers/C3", customer: "C3",
				detail: []string{"Café 't Hoekje B.V.", "paid 50.00 on 10 February 2025"}}},
		{what: "payment reference naming an invoice", query: "q=factuur+inv-2025-0001",
			want: first{kind: "payment", label: "factuur INV-2025-0001", link: "/customers/C1?invoice=INV-2025-0001#found-invoice", customer: "C1", exact: true,
				detail: []string{"invoice INV-2025-0001"}}},
		{what: "end-to-end id of a booked credit", query: "q=E2E-DEVRIES-0002",
			want: first{kind: "bank_transaction", label: "INV-2025-0002", link: "/customers/C1?invoice=INV-2025-0002#found-invoice", customer: "C1", exact: true,
				detail: []string{"booked", "Bakkerij de Vries B.V.", "EUR 250.50 on 20 February 2025"}}},
		{what: "remittance of a credit waiting to be matched", query: "q=zending+4471",
			want: first{kind: "bank_transaction", label: "Stichting Zeilvaart", link: "/unmatched#tx-2",
				detail: []string{"waiting to be matched", "EUR 777.77 on 25 February 2025", "zending 4471 zonder factuur"}}},
		{what: "the limit", query: "q=v&limit=2", n: 2,
			want: first{kind: "customer", label: "Vries Logistiek", link: "/customers/C10", customer: "C10"}},
	} {
		t.Run(tt.what, func(t *testing.T) {
			var ans searchAnswer
			getJSON(t, srv.URL+"/api/search?"+tt.query, tok.viewer, &ans)
			if len(ans.Results) == 0 {
				t.Fatalf("GET /api/search?%s: no results", tt.query)
			}
			if tt.n > 0 && len(ans.Results) != tt.n {
				t.Errorf("%d results, want %d: %+v", len(ans.Results), tt.n, ans.Results)
			}
			r := ans.Results[0]
			got := first{kind: r.Kind, label: r.Label, link: r.Link, customer: r.CustomerID, exact: r.Exact, detail: tt.want.detail}
			if got.kind != tt.want.kind || got.label != tt.want.label || got.link != tt.want.link || got.customer != tt.want.customer || got.exact != tt.want.exact {
				t.Errorf("first result %+v, want %+v", r, tt.want)
			}
			for _, d := range tt.want.detail {
				if !strings.Contains(r.Detail, d) {
					t.Errorf("detail %q lacks %q", r.Detail, d)
				}
			}
			if r.KindLabel == "" || strings.Contains(r.KindLabel, "_") {
				t.Errorf("kind_label %q: want words", r.KindLabel)
			}
		})
	}

	t.Run("dutch", func(t *testing.T) {
		req := newRequest(t, http.MethodGet, srv.URL+"/api/search?q=INV-2025-0100", tok.viewer, nil, "")
		req.Header.Set("Accept-Language", "nl")
		resp := do(t, req)
		for _, w := range []string{`"kind_label": "Factuur"`, "€ 1.234,56", "gedateerd 20 januari 2025", "betaald op 15 februari 2025"} {
			if !strings.Contains(string(resp.body), w) {
				t.Errorf("answer lacks %q: %s", w, resp.body)
			}
		}
	})
	t.Run("nothing", func(t *testing.T) {
		var ans searchAnswer
		getJSON(t, srv.URL+"/api/search?q=", tok.viewer, &ans)
		if ans.Results == nil || len(ans.Results) != 0 {
			t.Errorf("empty query: %+v, want an empty list", ans)
		}
	})
	for _, tt := range []struct {
		what, query, token string
		status             int
	}{
		{"no token", "q=jansen", "", http.StatusUnauthorized},
		{"unknown kind", "q=jansen&kind=supplier", tok.viewer, http.StatusBadRequest},
		{"limit too big", "q=jansen&limit=101", tok.viewer, http.StatusBadRequest},
		{"query too long", "q=" + strings.Repeat("x", 201), tok.viewer, http.StatusBadRequest},
	} {
		checkJSONError(t, tt.what, do(t, newRequest(t, http.MethodGet, srv.URL+"/api/search?"+tt.query, tt.token, nil, "")), tt.status)
	}
}

// TestSearchPage reads /search in Dutch, grouped by kind, and sees an
// exact invoice number go straight to its customer.
func TestSearchPage(t *testing.T) {
	srv, tok := serveTestDB(t, searchTestDB(t))
	cookie, _ := loginSession(t, srv.URL, tok.viewer)
	get := func(t *testing.T, path string) apiResponse {
		t.Helper()
		req := newRequest(t, http.MethodGet, srv.URL+path, "", nil, "")
		req.AddCookie(cookie)
		req.Header.Set("Accept-Language", "nl-NL,nl;q=0.9")
		return do(t, req)
	}
	for _, tt := range []struct {
		what, path string
		status     int
		location   string
		want, not  []string
	}{
		{what: "grouped by kind in Dutch", path: "/search?q=hoekje", status: http.StatusOK,
			want: []string{`<html lang="nl">`, "<title>Zoeken: hoekje", `id="found-customer"`, "1 debiteur",
				`href="/customers/C3"`, "Café &#39;t Hoekje B.V.", `id="found-payment"`, "1 betaling", "50,00 betaald op 10 februari 2025",
				`value="hoekje"`},
			not: []string{"1 customer", "bank_transaction", `id="found-invoice"`}},
		{what: "several of a kind", path: "/search?q=2025-0", status: http.StatusOK,
			want: []string{"5 facturen", "gedateerd"}},
		{what: "nothing found", path: "/search?q=zzz-niets", status: http.StatusOK,
			want: []string{"Niets gevonden voor “zzz-niets”"}},
		{what: "no query", path: "/search", status: http.StatusOK,
			want: []string{"Typ de naam of het nummer van een debiteur"}},
		{what: "an exact invoice number opens its customer", path: "/search?q=inv-2025-0100", status: http.StatusSeeOther,
			location: "/customers/C4?invoice=INV-2025-0100#found-invoice"},
		{what: "an exact IBAN opens its customer", path: "/search?q=NL91ABNA0417164300", status: http.StatusSeeOther,
			location: "/customers/C3"},
		{what: "unknown kind", path: "/search?q=x&kind=supplier", status: http.StatusBadRequest},
		{what: "the customer page marks the invoice found", path: "/customers/C4?invoice=INV-2025-0100", status: http.StatusOK,
			want: []string{`<tr class="found" id="found-invoice">`}},
		{what: "an open invoice found is marked among the open items", path: "/customers/C5?invoice=INV-2025-0101", status: http.StatusOK,
			want: []string{`<tr class="found" id="found-invoice">`, `<tr class="found">`}},
	} {
		t.Run(tt.what, func(t *testing.T) {
			resp := get(t, tt.path)
			if resp.status != tt.status {
				t.Fatalf("GET %s: %d, want %d: %.300s", tt.path, resp.status, tt.status, resp.body)
			}
			if loc := resp.header.Get("Location"); loc != tt.location {
				t.Errorf("Location %q, want %q", loc, tt.location)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(resp.body), w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(string(resp.body), w) {
					t.Errorf("page has %q", w)
				}
			}
		})
	}
}
