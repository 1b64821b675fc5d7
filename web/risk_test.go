package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/demo"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/ingest"
	"github.com/creditflow/creditflow/present"
	"github.com/creditflow/creditflow/store"
	"github.com/creditflow/creditflow/web"
)

// riskNow is the fixed clock of the risk tests: the last day of the demo
// ledger, so that as_of defaults to it.
var riskNow = time.Date(2025, 6, 30, 9, 0, 0, 0, time.UTC)

// riskAsOf is riskNow's day.
const riskAsOf = "2025-06-30"

// nastyCustomer is a customer of the risk ledger whose name and invoice
// numbers try to break out of the page and out of the charts' JavaScript.
const (
	nastyCustomer = "CX<1>/50%"
	nastyName     = `<img src=x onerror=alert(1)> "Quote" & __f__function(){alert(2)}__f__`
)

// openRiskTestDB returns a database with the demo ledger of the risk tests:
// 200 customers, about 8000 invoices over three years up to riskNow, seed 1,
// plus nastyCustomer with three invoices.
func openRiskTestDB(tb testing.TB) *store.DB {
	tb.Helper()
	end := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	db, _ := openDemoDB(tb, demo.Config{Customers: 200, Invoices: 8000, Seed: 1, End: end, Years: 3},
		ingest.Options{Now: func() time.Time { return riskNow }}, func(dir string) {
			appendCSV(tb, filepath.Join(dir, demo.CustomersFile),
				csvLine(nastyCustomer, nastyName, "NL", "<segment>", "b2b", "30", "", "", "", "", ""))
			appendCSV(tb, filepath.Join(dir, demo.InvoicesFile),
				csvLine("X<script>1", nastyCustomer, "2025-03-01", "2025-03-31", "100.00", "EUR", "false", "", ""),
				csvLine("X__f__alert(3)__f__", nastyCustomer, "2025-04-01", "2025-05-01", "200.00", "EUR", "false", "", ""),
				csvLine(`X"'3`, nastyCustomer, "2025-05-01", "2025-05-31", "300.00", "EUR", "false", "", ""))
			appendCSV(tb, filepath.Join(dir, demo.PaymentsFile),
				csvLine("XP1", nastyCustomer, "X<script>1", "2025-04-20", "100.00", "transfer", ""))
		})
	return db
}

// csvLine quotes fields as CSV.
func csvLine(fields ...string) string {
	for i, f := range fields {
		if strings.ContainsAny(f, ",\"\n") {
			fields[i] = `"` + strings.ReplaceAll(f, `"`, `""`) + `"`
		}
	}
	return strings.Join(fields, ",") + "\n"
}

func appendCSV(tb testing.TB, path string, lines ...string) {
	tb.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	for _, l := range lines {
		if _, err := f.WriteString(l); err != nil {
			tb.Fatal(err)
		}
	}
}

// startRiskServer serves the risk ledger with the fixed clock riskNow.
func startRiskServer(tb testing.TB) (*httptest.Server, apiTokens) {
	tb.Helper()
	return serveTestDB(tb, openRiskTestDB(tb), func(c *web.Config) { c.Now = func() time.Time { return riskNow } })
}

// riskRoutes are the routes of the payment-risk API, with a customer that
// exists (the first one of the demo ledger).
var riskRoutes = []string{
	"/api/customers?as_of=" + riskAsOf,
	"/api/customers?as_of=" + riskAsOf + "&sort=exposure&segment=retail&limit=5&offset=1",
	"/api/customers/C000001?as_of=" + riskAsOf,
	"/api/customers/C000001/credit-limit?as_of=" + riskAsOf,
	"/api/alerts?as_of=" + riskAsOf + "&since=2025-01-01",
	"/api/open-items?as_of=" + riskAsOf + "&limit=5",
}

// TestRiskAPI runs the payment-risk routes on one server: credentials,
// bad parameters, unknown customers and the JSON of each answer.
func TestRiskAPI(t *testing.T) {
	srv, tok := startRiskServer(t)
	cookie, _ := loginSession(t, srv.URL, tok.viewer)

	// An id with a slash and a percent sign is one path segment once
	// escaped, on every route of one customer.
	t.Run("customer id with a slash", func(t *testing.T) {
		base := srv.URL + "/api/customers/" + url.PathEscape(nastyCustomer)
		var detail struct {
			CustomerID string `json:"customer_id"`
		}
		getJSON(t, base+"?as_of="+riskAsOf, tok.viewer, &detail)
		if detail.CustomerID != nastyCustomer {
			t.Errorf("customer_id = %q, want %q", detail.CustomerID, nastyCustomer)
		}
		getJSON(t, base+"/credit-limit?as_of="+riskAsOf, tok.viewer, nil)
		getJSON(t, base+"/dossier?as_of="+riskAsOf, tok.viewer, nil)
		if resp := do(t, newRequest(t, http.MethodGet, srv.URL+"/api/customers/CX%3C1%3E%2F49%25?as_of="+riskAsOf, tok.viewer, nil, "")); resp.status != http.StatusNotFound {
			t.Errorf("a customer that does not exist: %d, want 404", resp.status)
		}
	})

	t.Run("auth", func(t *testing.T) {
		wrongSecret := tok.viewer[:len(tok.viewer)-4] + "0000"
		if wrongSecret == tok.viewer {
			wrongSecret = tok.viewer[:len(tok.viewer)-4] + "1111"
		}
		// Every route needs the viewer role, which every role includes: no
		// credential gets a 403 on a read (CSRF only guards changes).
		creds := []struct {
			name   string
			header string
			cookie bool
			status int
		}{
			{name: "no token", status: http.StatusUnauthorized},
			{name: "basic auth", header: "Basic dXNlcjpwYXNz", status: http.StatusUnauthorized},
			{name: "unknown token", header: "Bearer cf_0123456789ab_" + strings.Repeat("ab", 24), status: http.StatusUnauthorized},
			{name: "wrong secret", header: "Bearer " + wrongSecret, status: http.StatusUnauthorized},
			{name: "viewer", header: "Bearer " + tok.viewer, status: http.StatusOK},
			{name: "collector", header: "Bearer " + tok.collector, status: http.StatusOK},
			{name: "admin", header: "Bearer " + tok.admin, status: http.StatusOK},
			{name: "viewer session", cookie: true, status: http.StatusOK},
		}
		for _, path := range riskRoutes {
			for _, c := range creds {
				t.Run(path+"/"+c.name, func(t *testing.T) {
					req := newRequest(t, http.MethodGet, srv.URL+path, "", nil, "")
					if c.header != "" {
						req.Header.Set("Authorization", c.header)
					}
					if c.cookie {
						req.AddCookie(cookie)
					}
					resp := do(t, req)
					if c.status != http.StatusOK {
						checkJSONError(t, path, resp, c.status)
						return
					}
					if resp.status != http.StatusOK {
						t.Fatalf("status %d, want 200: %s", resp.status, resp.body)
					}
				})
			}
		}
	})

	t.Run("bad requests", func(t *testing.T) {
		checkBadRequests(t, srv.URL, tok.viewer, []badRequest{
			{"customers bad as_of", "/api/customers?as_of=2025-02-30", "as_of"},
			{"customers word as_of", "/api/customers?as_of=today", "as_of"},
			{"customers unknown sort", "/api/customers?sort=score", "sort"},
			{"customers sort in capitals", "/api/customers?sort=RISK", "sort"},
			{"customers negative limit", "/api/customers?limit=-1", "limit"},
			{"customers limit not a number", "/api/customers?limit=ten", "limit"},
			{"customers limit too large", "/api/customers?limit=10001", "limit"},
			{"customers limit overflows", "/api/customers?limit=99999999999999999999", "limit"},
			{"customers bad offset", "/api/customers?offset=1.5", "offset"},
			{"customers negative offset", "/api/customers?offset=-3", "offset"},
			{"detail bad as_of", "/api/customers/C000001?as_of=2025-6-30", "as_of"},
			{"credit limit bad as_of", "/api/customers/C000001/credit-limit?as_of=x", "as_of"},
			{"alerts bad as_of", "/api/alerts?as_of=30-06-2025", "as_of"},
			{"alerts bad since", "/api/alerts?since=last-week", "since"},
			{"alerts since after as_of", "/api/alerts?as_of=2025-06-30&since=2025-07-01", "since"},
			{"open items bad as_of", "/api/open-items?as_of=2025-13-01", "as_of"},
		})
	})

	t.Run("not found", func(t *testing.T) {
		for _, path := range []string{
			"/api/customers/NOPE?as_of=" + riskAsOf,
			"/api/customers/NOPE/credit-limit?as_of=" + riskAsOf,
			"/api/customers/" + url.PathEscape("C000001 ") + "?as_of=" + riskAsOf,
			"/api/customers/C000001/limit",
		} {
			t.Run(path, func(t *testing.T) {
				checkJSONError(t, path, do(t, newRequest(t, http.MethodGet, srv.URL+path, tok.viewer, nil, "")), http.StatusNotFound)
			})
		}
	})

	var all customersAnswer
	t.Run("customers", func(t *testing.T) {
		resp := getJSON(t, srv.URL+"/api/customers?as_of="+riskAsOf+"&limit=1000", tok.viewer, &all)
		checkCustomerFields(t, resp.body)
		if all.AsOf != riskAsOf || all.Currency != "EUR" || all.Limit != 1000 || all.Offset != 0 {
			t.Errorf("as_of %s currency %s limit %d offset %d, want %s EUR 1000 0", all.AsOf, all.Currency, all.Limit, all.Offset, riskAsOf)
		}
		st := ledgerStats(t, srv.URL, tok.viewer)
		if int64(all.Total) != st.Customers || len(all.Customers) != all.Total {
			t.Fatalf("total %d with %d rows, want every one of the %d customers", all.Total, len(all.Customers), st.Customers)
		}
		for _, c := range all.Customers {
			if c.Score < 0 || c.Score > 100 || !slices.Contains([]string{"A", "B", "C", "D", "E"}, c.RiskClass) ||
				!isProb(c.PLate) || !isProb(c.PSevere) || c.ExpectedDaysLate < 0 {
				t.Errorf("customer %+v: score, class or probabilities out of range", c)
			}
		}
		if !slices.IsSortedFunc(all.Customers, func(a, b customerRow) int { return b.Score - a.Score }) {
			t.Errorf("default order is not riskiest first")
		}

		// Without as_of the server's today counts, and the default page is 100.
		var def customersAnswer
		getJSON(t, srv.URL+"/api/customers", tok.viewer, &def)
		if def.AsOf != riskAsOf || def.Limit != 100 || len(def.Customers) != 100 || def.Total != all.Total {
			t.Errorf("defaults: as_of %s limit %d rows %d total %d; want %s, 100, 100, %d", def.AsOf, def.Limit, len(def.Customers), def.Total, riskAsOf, all.Total)
		}

		orders := []struct {
			sort  string
			check func(a, b customerRow) bool // a may come before b
		}{
			{"risk", func(a, b customerRow) bool { return a.Score >= b.Score }},
			{"exposure", func(a, b customerRow) bool { return a.Exposure >= b.Exposure }},
			{"name", func(a, b customerRow) bool {
				return strings.ToLower(a.Name) <= strings.ToLower(b.Name) || a.Name <= b.Name
			}},
		}
		for _, o := range orders {
			t.Run("sort="+o.sort, func(t *testing.T) {
				var got customersAnswer
				getJSON(t, srv.URL+"/api/customers?as_of="+riskAsOf+"&limit=1000&sort="+o.sort, tok.viewer, &got)
				for i := 1; i < len(got.Customers); i++ {
					if !o.check(got.Customers[i-1], got.Customers[i]) {
						t.Fatalf("row %d %+v before row %d %+v", i-1, got.Customers[i-1], i, got.Customers[i])
					}
				}
				// A page is a slice of the whole list.
				var page customersAnswer
				getJSON(t, srv.URL+"/api/customers?as_of="+riskAsOf+"&limit=7&offset=11&sort="+o.sort, tok.viewer, &page)
				if page.Total != got.Total || page.Limit != 7 || page.Offset != 11 || !slices.Equal(ids(page.Customers), ids(got.Customers[11:18])) {
					t.Errorf("page 11..17 = %q (total %d), want %q", ids(page.Customers), page.Total, ids(got.Customers[11:18]))
				}
			})
		}

		t.Run("segment", func(t *testing.T) {
			var seg customersAnswer
			getJSON(t, srv.URL+"/api/customers?as_of="+riskAsOf+"&limit=1000&segment=retail", tok.viewer, &seg)
			want := 0
			for _, c := range all.Customers {
				if c.Segment == "retail" {
					want++
				}
			}
			if want == 0 || seg.Total != want || len(seg.Customers) != want {
				t.Errorf("segment retail: total %d rows %d, want %d", seg.Total, len(seg.Customers), want)
			}
			for _, c := range seg.Customers {
				if c.Segment != "retail" {
					t.Errorf("segment filter let through %+v", c)
				}
			}
			var none customersAnswer
			resp := getJSON(t, srv.URL+"/api/customers?segment=no-such-segment", tok.viewer, &none)
			if none.Total != 0 || !bytes.Contains(resp.body, []byte(`"customers": []`)) {
				t.Errorf("unknown segment: total %d, body %s; want 0 and an empty list", none.Total, resp.body)
			}
		})

		t.Run("past the end", func(t *testing.T) {
			var got customersAnswer
			resp := getJSON(t, srv.URL+"/api/customers?offset=100000", tok.viewer, &got)
			if got.Total != all.Total || !bytes.Contains(resp.body, []byte(`"customers": []`)) {
				t.Errorf("offset past the end: total %d body %s", got.Total, resp.body)
			}
		})
	})
	if len(all.Customers) == 0 {
		t.Fatal("no customers scored")
	}
	riskiest := all.Customers[0]

	t.Run("customer", func(t *testing.T) {
		path := "/api/customers/" + riskiest.CustomerID + "?as_of=" + riskAsOf
		resp := getJSON(t, srv.URL+path, tok.viewer, nil)
		jsonObject(t, "customer", resp.body, "as_of", "change", "change_detected", "credit_limit", "currency", "customer_id", "expected_days_late", "exposure",
			"features", "kind", "limit", "name", "open_items", "p_late", "p_severe", "payment_history", "reasons", "risk_class", "score", "segment")
		var d struct {
			customerRow
			Change struct {
				Detected   bool    `json:"detected"`
				ChangeDate *string `json:"change_date"`
				ShiftDays  float64 `json:"shift_days"`
				Sentence   string  `json:"sentence"`
			} `json:"change"`
			Reasons []struct {
				Code, Text string
			} `json:"reasons"`
			Features       map[string]any   `json:"features"`
			Limit          creditLimitBody  `json:"limit"`
			PaymentHistory []map[string]any `json:"payment_history"`
			OpenItems      []map[string]any `json:"open_items"`
		}
		if err := json.Unmarshal(resp.body, &d); err != nil {
			t.Fatal(err)
		}
		if d.customerRow != riskiest {
			t.Errorf("detail %+v differs from the list's row %+v", d.customerRow, riskiest)
		}
		if len(d.Features) == 0 || len(d.PaymentHistory) == 0 || len(d.Reasons) == 0 {
			t.Errorf("riskiest customer: %d features, %d invoices of history, %d reasons; want some of each", len(d.Features), len(d.PaymentHistory), len(d.Reasons))
		}
		for _, r := range d.Reasons {
			if r.Text == "" {
				t.Errorf("reason %+v without text", r)
			}
		}
		if d.Change.Detected != d.ChangeDetected || (d.Change.Detected && (d.Change.ChangeDate == nil || d.Change.Sentence == "")) {
			t.Errorf("change %+v with change_detected %v: want a date and a sentence when detected", d.Change, d.ChangeDetected)
		}
		for _, h := range d.PaymentHistory {
			for _, k := range []string{"invoice_id", "invoice_date", "due_date", "paid_on", "days_late"} {
				if _, ok := h[k]; !ok {
					t.Fatalf("payment history entry %v lacks %s", h, k)
				}
			}
		}
		for _, it := range d.OpenItems {
			p, ok := it["p_late"].(float64)
			if !ok || !isProb(p) || it["customer_id"] != riskiest.CustomerID {
				t.Errorf("open item %v: want p_late in [0,1] and customer %s", it, riskiest.CustomerID)
			}
		}

		// The limit in the detail is the answer of the credit-limit route.
		var l creditLimitBody
		getJSON(t, srv.URL+"/api/customers/"+riskiest.CustomerID+"/credit-limit?as_of="+riskAsOf, tok.viewer, &l)
		if !reflect.DeepEqual(l, d.Limit) {
			t.Errorf("credit limit %+v differs from the detail's %+v", l, d.Limit)
		}
	})

	t.Run("credit limit", func(t *testing.T) {
		for _, c := range []customerRow{riskiest, all.Customers[len(all.Customers)-1]} {
			path := "/api/customers/" + c.CustomerID + "/credit-limit?as_of=2025-05-31"
			resp := getJSON(t, srv.URL+path, tok.viewer, nil)
			jsonObject(t, "credit limit", resp.body, "as_of", "available", "credit_limit", "currency", "customer_id", "exposure", "manual_limit",
				"p_severe", "reasons", "recommended_limit", "risk_class", "score")
			var l creditLimitBody
			json.Unmarshal(resp.body, &l)
			if l.CustomerID != c.CustomerID || l.AsOf != "2025-05-31" || l.Currency != "EUR" || !isProb(l.PSevere) {
				t.Errorf("credit limit %+v: want customer %s on 2025-05-31 in EUR", l, c.CustomerID)
			}
			applies := l.RecommendedLimit
			if l.ManualLimit != nil {
				applies = *l.ManualLimit
			}
			if l.CreditLimit != applies || l.RecommendedLimit < 0 {
				t.Errorf("credit limit %v, want the manual limit if set, else the recommended %v (manual %v)", l.CreditLimit, l.RecommendedLimit, l.ManualLimit)
			}
			checkDecimals(t, resp.body, "p_severe", 4)
		}
	})

	t.Run("alerts", func(t *testing.T) {
		var def alertsAnswer
		resp := getJSON(t, srv.URL+"/api/alerts", tok.viewer, &def)
		if def.AsOf != riskAsOf || def.Since != "2025-05-31" || def.Total != len(def.Alerts) || bytes.Contains(resp.body, []byte(`"alerts": null`)) {
			t.Errorf("default alerts: as_of %s since %s total %d of %d; want %s, 30 days before, and a list", def.AsOf, def.Since, def.Total, len(def.Alerts), riskAsOf)
		}
		var year alertsAnswer
		resp = getJSON(t, srv.URL+"/api/alerts?as_of="+riskAsOf+"&since=2024-06-30", tok.viewer, &year)
		if year.Total < def.Total {
			t.Errorf("a year of alerts (%d) has fewer than 30 days (%d)", year.Total, def.Total)
		}
		if year.Total == 0 {
			t.Fatalf("no alerts in a year of a demo ledger with planted changes")
		}
		jsonObject(t, "alerts", resp.body, "alerts", "as_of", "currency", "since", "total")
		var raw struct{ Alerts []json.RawMessage }
		json.Unmarshal(resp.body, &raw)
		jsonObject(t, "alert", raw.Alerts[0], "change", "customer_id", "detected_on", "exposure", "kind", "name", "sentence")
		for i, a := range year.Alerts {
			if a.DetectedOn < "2024-06-30" || a.DetectedOn > riskAsOf || a.Sentence == "" ||
				!slices.Contains([]string{"worsening", "improving", "silence"}, a.Kind) {
				t.Errorf("alert %+v: want a kind, a sentence and a date in the span", a)
			}
			if i > 0 && a.DetectedOn > year.Alerts[i-1].DetectedOn {
				t.Errorf("alert %d (%s) is newer than the one before it (%s)", i, a.DetectedOn, year.Alerts[i-1].DetectedOn)
			}
		}
	})

	t.Run("open items", func(t *testing.T) {
		items, resp := openItemsOf(t, srv.URL+"/api/open-items?as_of="+riskAsOf+"&limit=200", tok.viewer)
		for _, it := range items {
			p, ok := it["p_late"].(float64)
			if !ok || !isProb(p) {
				t.Errorf("open item %v: p_late not in [0,1]", it)
			}
			for _, k := range []string{"invoice_id", "customer_id", "open_amount", "days_past_due", "bucket"} {
				if _, ok := it[k]; !ok {
					t.Errorf("open item %v lacks %s", it, k)
				}
			}
		}
		checkDecimals(t, resp.body, "p_late", 4)
	})

	t.Run("shapes", func(t *testing.T) {
		// The field names and JSON types of each answer, in a golden file:
		// the values depend on the model, the shape is the API.
		var b strings.Builder
		for _, path := range []string{
			"/api/customers?limit=3",
			"/api/customers/" + riskiest.CustomerID,
			"/api/customers/" + riskiest.CustomerID + "/credit-limit",
			"/api/alerts?since=2024-06-30",
			"/api/open-items?limit=3",
		} {
			var v any
			getJSON(t, srv.URL+path, tok.viewer, &v)
			fmt.Fprintf(&b, "GET %s\n", strings.ReplaceAll(path, riskiest.CustomerID, "{id}"))
			for _, l := range jsonShape("", v) {
				fmt.Fprintf(&b, "  %s\n", l)
			}
		}
		golden := filepath.Join("testdata", "risk_shapes.golden.txt")
		if *updateGolden {
			if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test -update to create it)", err)
		}
		if b.String() != string(want) {
			t.Errorf("the shapes of the risk API differ from %s (go test -update rewrites it):\n got:\n%s\nwant:\n%s", golden, b.String(), want)
		}
	})
}

// customerRow is one customer of GET /api/customers.
type customerRow struct {
	CustomerID       string  `json:"customer_id"`
	Name             string  `json:"name"`
	Segment          string  `json:"segment"`
	Score            int     `json:"score"`
	RiskClass        string  `json:"risk_class"`
	PLate            float64 `json:"p_late"`
	PSevere          float64 `json:"p_severe"`
	ExpectedDaysLate float64 `json:"expected_days_late"`
	Exposure         float64 `json:"exposure"`
	CreditLimit      float64 `json:"credit_limit"`
	ChangeDetected   bool    `json:"change_detected"`
}

type customersAnswer struct {
	AsOf      string        `json:"as_of"`
	Currency  string        `json:"currency"`
	Total     int           `json:"total"`
	Limit     int           `json:"limit"`
	Offset    int           `json:"offset"`
	Customers []customerRow `json:"customers"`
}

type creditLimitBody struct {
	CustomerID       string   `json:"customer_id"`
	AsOf             string   `json:"as_of"`
	Currency         string   `json:"currency"`
	CreditLimit      float64  `json:"credit_limit"`
	RecommendedLimit float64  `json:"recommended_limit"`
	ManualLimit      *float64 `json:"manual_limit"`
	Exposure         float64  `json:"exposure"`
	Available        float64  `json:"available"`
	Score            int      `json:"score"`
	RiskClass        string   `json:"risk_class"`
	PSevere          float64  `json:"p_severe"`
}

type alertsAnswer struct {
	AsOf   string `json:"as_of"`
	Since  string `json:"since"`
	Total  int    `json:"total"`
	Alerts []struct {
		CustomerID string `json:"customer_id"`
		Kind       string `json:"kind"`
		DetectedOn string `json:"detected_on"`
		Sentence   string `json:"sentence"`
	} `json:"alerts"`
}

// chartScript finds the scripts of go-echarts charts in a page.
var chartScript = regexp.MustCompile(`(?s)<script type="text/javascript">.*?</script>`)

func ids(cs []customerRow) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.CustomerID)
	}
	return out
}

func isProb(p float64) bool { return p >= 0 && p <= 1 && !math.IsNaN(p) }

// checkCustomerFields checks that every customer of a GET /api/customers
// body has exactly the documented fields, with probabilities rounded to 4
// decimals and days to 1.
func checkCustomerFields(t *testing.T, body []byte) {
	t.Helper()
	top := jsonObject(t, "customers", body, "as_of", "currency", "customers", "limit", "offset", "total")
	var rows []json.RawMessage
	json.Unmarshal(top["customers"], &rows)
	for _, r := range rows {
		jsonObject(t, "customer", r, app.CustomerRiskColumns...)
	}
	checkDecimals(t, body, "p_late", 4)
	checkDecimals(t, body, "p_severe", 4)
	checkDecimals(t, body, "expected_days_late", 1)
	checkDecimals(t, body, "exposure", 2)
}

// checkDecimals checks that every number of field in the raw body has at
// most n decimals.
func checkDecimals(t *testing.T, body []byte, field string, n int) {
	t.Helper()
	key := []byte(`"` + field + `": `)
	rest, seen := body, 0
	for {
		i := bytes.Index(rest, key)
		if i < 0 {
			break
		}
		rest = rest[i+len(key):]
		end := bytes.IndexAny(rest, ",\n}")
		num := string(rest[:end])
		if _, frac, ok := strings.Cut(num, "."); ok && len(frac) > n {
			t.Errorf("%s %s has more than %d decimals", field, num, n)
		}
		if strings.ContainsAny(num, "eE") {
			t.Errorf("%s %s is in exponent notation", field, num)
		}
		seen++
	}
	if seen == 0 {
		t.Errorf("no %s in the body", field)
	}
}

// jsonShape lists the paths of v with their JSON types; arrays show their
// first element only.
func jsonShape(path string, v any) []string {
	switch x := v.(type) {
	case map[string]any:
		out := []string{path + ": object"}
		if path == "" {
			out = nil
		}
		for _, k := range slices.Sorted(mapKeys(x)) {
			out = append(out, jsonShape(path+"."+k, x[k])...)
		}
		return out
	case []any:
		out := []string{path + ": array"}
		if len(x) > 0 {
			out = append(out, jsonShape(path+"[]", x[0])...)
		}
		return out
	case string:
		return []string{path + ": string"}
	case float64:
		return []string{path + ": number"}
	case bool:
		return []string{path + ": bool"}
	case nil:
		return []string{path + ": null"}
	}
	return []string{path + ": ?"}
}

// TestRiskPages renders the risk overview and a customer page with a
// session, and their errors.
func TestRiskPages(t *testing.T) {
	srv, tok := startRiskServer(t)
	cookie, _ := loginSession(t, srv.URL, tok.viewer)
	var list customersAnswer
	getJSON(t, srv.URL+"/api/customers?limit=1", tok.viewer, &list)
	riskiest := list.Customers[0].CustomerID
	// The whole overview, its month-ends and alerts included (see
	// TestRiskPageFillsIn for the page before they are ready).
	if resp := getPage(t, srv.URL+"/risk/ready?as_of="+riskAsOf, cookie); resp.status != http.StatusNoContent {
		t.Fatalf("GET /risk/ready: %d %s", resp.status, resp.body)
	}

	tests := []struct {
		name, path string
		status     int
		want       []string // in the page
	}{
		{"risk overview", "/risk?as_of=" + riskAsOf, http.StatusOK, []string{
			`id="risk_scores"`, `id="risk_history"`, `id="risk_exposure"`, `id="kpi-exposure"`, `id="risky-customers"`, `id="alerts"`,
			`href="/customers/` + riskiest + `?as_of=` + riskAsOf + `"`, `class="active" aria-current="page">Payment risk`,
			`href="/?as_of=` + riskAsOf + `"`, `name="csrf_token"`, `src="/static/echarts.min.js"`}},
		{"risk overview today", "/risk", http.StatusOK, []string{`value="` + riskAsOf + `"`}},
		{"risk overview bad date", "/risk?as_of=2025-02-30", http.StatusBadRequest, []string{"2025-02-30", "YYYY-MM-DD", `class="error"`}},
		{"customer", "/customers/" + riskiest + "?as_of=" + riskAsOf, http.StatusOK, []string{
			`id="customer_delays"`, `id="customer_limit"`, `id="reasons"`, `id="features"`, `id="open-items"`, `id="kpi-plate"`,
			`action="/customers/` + riskiest + `"`, `href="/risk?as_of=` + riskAsOf + `"`}},
		{"customer bad date", "/customers/" + riskiest + "?as_of=soon", http.StatusBadRequest, []string{"soon", "YYYY-MM-DD"}},
		{"unknown customer", "/customers/NOPE?as_of=" + riskAsOf, http.StatusNotFound, []string{"There is no customer", "NOPE", `class="error"`}},
		{"customer with a nasty name", "/customers/" + url.PathEscape(nastyCustomer) + "?as_of=" + riskAsOf, http.StatusOK, []string{
			"&lt;img src=x onerror=alert(1)&gt;", `id="customer_delays"`,
			`href="/api/customers/` + url.PathEscape(nastyCustomer) + `/credit-limit?as_of=` + riskAsOf + `"`}},
		{"overview links to risk", "/?as_of=" + riskAsOf, http.StatusOK, []string{`href="/risk?as_of=` + riskAsOf + `"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := getPage(t, srv.URL+tt.path, cookie)
			if resp.status != tt.status {
				t.Fatalf("GET %s: %d, want %d:\n%s", tt.path, resp.status, tt.status, resp.body)
			}
			if ct := resp.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") || resp.header.Get("Content-Security-Policy") == "" {
				t.Errorf("Content-Type %q, CSP %q", ct, resp.header.Get("Content-Security-Policy"))
			}
			for _, w := range tt.want {
				if !bytes.Contains(resp.body, []byte(w)) {
					t.Errorf("page lacks %s", w)
				}
			}
			// Nothing from the ledger gets out of its text: no tag, and in
			// the charts' scripts no go-echarts function marker, which would
			// turn text into code.
			for _, bad := range []string{"<img", "<script>1"} {
				if bytes.Contains(resp.body, []byte(bad)) {
					t.Errorf("page contains %q unescaped", bad)
				}
			}
			for _, m := range chartScript.FindAll(resp.body, -1) {
				if bytes.Contains(m, []byte("__f__alert")) || bytes.Contains(m, []byte("__f__function")) {
					t.Errorf("a chart script turns ledger text into code:\n%s", m)
				}
			}
		})
	}

	t.Run("without a session", func(t *testing.T) {
		for _, path := range []string{"/risk", "/customers/" + riskiest} {
			resp := do(t, newRequest(t, http.MethodGet, srv.URL+path, "", nil, ""))
			if resp.status != http.StatusSeeOther || !strings.HasPrefix(resp.header.Get("Location"), "/login?next=") {
				t.Errorf("GET %s without a session: %d to %q, want 303 to the login page", path, resp.status, resp.header.Get("Location"))
			}
		}
	})
}

// TestRiskPageFillsIn checks the first view of the risk page, before the
// month-ends and alerts of its date are computed: it shows the scores of
// the date at once and says that the rest is being computed, /risk/ready
// answers once it is, and the page then shows everything.
func TestRiskPageFillsIn(t *testing.T) {
	srv, tok := startRiskServer(t)
	cookie, _ := loginSession(t, srv.URL, tok.viewer)
	page := func() string {
		t.Helper()
		resp := getPage(t, srv.URL+"/risk?as_of="+riskAsOf, cookie)
		if resp.status != http.StatusOK {
			t.Fatalf("GET /risk: %d\n%s", resp.status, resp.body)
		}
		return string(resp.body)
	}
	first := page()
	for _, w := range []string{`id="computing"`, `data-ready="/risk/ready?as_of=` + riskAsOf + `"`, `id="kpi-exposure"`,
		`id="risk_scores"`, `id="risk_exposure"`, `id="risky-customers"`, "alerts being computed", "Still being computed."} {
		if !strings.Contains(first, w) {
			t.Errorf("the first view lacks %s", w)
		}
	}
	for _, bad := range []string{`id="risk_history"`, "No new behaviour changes"} {
		if strings.Contains(first, bad) {
			t.Errorf("the first view shows %s before the month-ends and alerts are computed", bad)
		}
	}
	if n := strings.Count(first, `<a href="/customers/`); n < riskTopCustomersShown {
		t.Errorf("the first view lists %d customers, want at least %d", n, riskTopCustomersShown)
	}

	if resp := getPage(t, srv.URL+"/risk/ready?as_of="+riskAsOf, cookie); resp.status != http.StatusNoContent {
		t.Fatalf("GET /risk/ready: %d %s", resp.status, resp.body)
	}
	if resp := getPage(t, srv.URL+"/risk/ready?as_of=someday", cookie); resp.status != http.StatusBadRequest {
		t.Errorf("GET /risk/ready with a bad date: %d", resp.status)
	}
	if resp := do(t, newRequest(t, http.MethodGet, srv.URL+"/risk/ready?as_of="+riskAsOf, "", nil, "")); resp.status != http.StatusSeeOther {
		t.Errorf("GET /risk/ready without a session: %d, want 303 to the login page", resp.status)
	}
	full := page()
	for _, w := range []string{`id="risk_history"`, `id="risk_scores"`, "new alerts since"} {
		if !strings.Contains(full, w) {
			t.Errorf("once ready, the page lacks %s", w)
		}
	}
	for _, bad := range []string{`id="computing"`, "being computed"} {
		if strings.Contains(full, bad) {
			t.Errorf("once ready, the page still shows %s", bad)
		}
	}
}

// riskTopCustomersShown is the riskiest customers the overview lists.
const riskTopCustomersShown = 20

// TestRiskPageRefreshing checks the note of the risk page while its
// figures are from before a booked payment and computed again, and that it
// goes once they are.
func TestRiskPageRefreshing(t *testing.T) {
	db := openRiskTestDB(t)
	a := app.New(app.Config{DB: db, Now: func() time.Time { return riskNow }})
	srv, tok := serveTestDB(t, db, func(c *web.Config) { c.App = a; c.Now = func() time.Time { return riskNow } })
	cookie, _ := loginSession(t, srv.URL, tok.viewer)
	const note = `id="refreshing"`
	page := func(t *testing.T) string {
		t.Helper()
		resp := getPage(t, srv.URL+"/risk?as_of="+riskAsOf, cookie)
		if resp.status != http.StatusOK {
			t.Fatalf("GET /risk: %d\n%s", resp.status, resp.body)
		}
		return string(resp.body)
	}
	if strings.Contains(page(t), note) {
		t.Error("the risk page says it recomputes before any payment was booked")
	}

	// A payment booked 10 days ago outdates the scores of the as-of date.
	asOf := creditflow.NewDate(riskNow)
	a.Invalidate(app.Change{Kind: app.PaymentBooked, From: asOf.AddDays(-10)})
	if !a.Refreshing(asOf) {
		t.Fatal("a booked payment did not outdate the scores of the as-of date")
	}
	body := page(t)
	if !strings.Contains(body, note) || !strings.Contains(body, "Recomputing after the last booked payment; these figures are from before it. Reload in a few seconds.") {
		t.Errorf("the risk page does not say that its figures are outdated:\n%s", body)
	}

	deadline := time.Now().Add(2 * time.Minute)
	for a.Refreshing(asOf) {
		if time.Now().After(deadline) {
			t.Fatal("the scores are still outdated after 2 minutes")
		}
		if _, err := a.Scores(context.Background(), asOf); err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if strings.Contains(page(t), note) {
		t.Error("the risk page says it recomputes after the scores were computed again")
	}
}

// TestRiskInvalidatedByIngest checks that an upload through the API makes
// the engine score again: a new customer appears in the scores.
func TestRiskInvalidatedByIngest(t *testing.T) {
	srv, tok := startRiskServer(t)
	var before customersAnswer
	getJSON(t, srv.URL+"/api/customers?limit=1", tok.viewer, &before)

	body, ct := multipartBody(t, []upload{{"customers-new.csv", "customer_id,name,segment\nCNEW1,Nieuwe Klant B.V.,retail\n"}}, nil)
	if resp := do(t, newRequest(t, http.MethodPost, srv.URL+"/api/ingest", tok.admin, body, ct)); resp.status != http.StatusOK {
		t.Fatalf("POST /api/ingest: %d %s", resp.status, resp.body)
	}
	var after customersAnswer
	getJSON(t, srv.URL+"/api/customers?limit=1", tok.viewer, &after)
	if after.Total != before.Total+1 {
		t.Errorf("after ingesting a customer: %d customers scored, want %d", after.Total, before.Total+1)
	}
	resp := do(t, newRequest(t, http.MethodGet, srv.URL+"/api/customers/CNEW1/credit-limit", tok.viewer, nil, ""))
	if resp.status != http.StatusOK {
		t.Errorf("credit limit of the new customer: %d %s", resp.status, resp.body)
	}
}

// BenchmarkRiskAPI times GET /api/customers and the credit-limit route on
// the risk ledger: cold (a new server, whose engine scores the date first)
// and warm (the scores of the date cached).
func BenchmarkRiskAPI(b *testing.B) {
	db := openRiskTestDB(b)
	tok := createTokens(b, db)
	cfg := web.Config{DB: db, Now: func() time.Time { return riskNow }, Lang: present.EN,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	get := func(b *testing.B, h http.Handler, path string) {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Authorization", "Bearer "+tok.viewer)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body)
		}
	}
	routes := []struct{ name, path string }{
		{"customers", "/api/customers?as_of=" + riskAsOf},
		{"credit-limit", "/api/customers/C000001/credit-limit?as_of=" + riskAsOf},
	}
	for _, rt := range routes {
		b.Run(rt.name+"/cold", func(b *testing.B) {
			for b.Loop() {
				get(b, web.New(cfg), rt.path)
			}
		})
		b.Run(rt.name+"/warm", func(b *testing.B) {
			srv := web.New(cfg)
			get(b, srv, rt.path)
			for b.Loop() {
				get(b, srv, rt.path)
			}
		})
	}
}

// TestCustomerDossier renders the dossier panel of customer pages: the
// task of a customer without actions, the pause of a customer who promised
// to pay, and the outcomes of promises, kept and broken.
func TestCustomerDossier(t *testing.T) {
	srv, tok := startRiskServer(t)
	cookie, _ := loginSession(t, srv.URL, tok.viewer)
	page := func(t *testing.T, id string) string {
		t.Helper()
		resp := getPage(t, srv.URL+"/customers/"+url.PathEscape(id)+"?as_of="+riskAsOf, cookie)
		if resp.status != http.StatusOK {
			t.Fatalf("customer %s: %d\n%s", id, resp.status, resp.body)
		}
		body := string(resp.body)
		start := strings.Index(body, `<section class="panel" id="dossier">`)
		if start < 0 {
			t.Fatalf("customer %s: no dossier panel", id)
		}
		end := strings.Index(body[start:], "</section>")
		return body[start : start+end]
	}
	dossier := func(t *testing.T, id string) dunning.Dossier {
		t.Helper()
		var d dunning.Dossier
		getJSON(t, srv.URL+"/api/customers/"+url.PathEscape(id)+"/dossier?as_of="+riskAsOf, tok.viewer, &d)
		return d
	}
	// Actions are recorded through the API, as the pages do, so that the
	// server knows the worklist changed.
	record := func(t *testing.T, a dunning.NewAction) {
		t.Helper()
		body, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		resp := do(t, newRequest(t, http.MethodPost, srv.URL+"/api/actions", tok.collector, body, "application/json"))
		if resp.status != http.StatusCreated {
			t.Fatalf("record %+v: %d %s", a, resp.status, resp.body)
		}
	}
	dates := regexp.MustCompile(`<td class="date"[^>]*>(\d{4}-\d{2}-\d{2})</td>`)
	checkTimeline := func(t *testing.T, panel string, d dunning.Dossier) {
		t.Helper()
		var got []string
		for _, m := range dates.FindAllStringSubmatch(panel, -1) {
			got = append(got, m[1])
		}
		if want := min(len(d.Entries), 30); len(got) != want {
			t.Errorf("%d entries in the timeline, want %d", len(got), want)
		}
		for i, day := range got {
			if i < len(d.Entries) && day != d.Entries[i].Date.String() {
				t.Errorf("entry %d on %s, want %s (newest first)", i, day, d.Entries[i].Date)
			}
		}
		api := `href="/api/customers/` + url.PathEscape(d.CustomerID) + `/dossier?as_of=` + riskAsOf + `"`
		if !strings.Contains(panel, api) {
			t.Errorf("the panel does not link to the JSON API: %s", api)
		}
	}

	var list dunning.Worklist
	getJSON(t, srv.URL+"/api/dunning/worklist?as_of="+riskAsOf+"&limit=10000", tok.viewer, &list)
	if len(list.Tasks) < 3 {
		t.Fatalf("%d tasks on the worklist, want 3 or more", len(list.Tasks))
	}
	plain, promised, outcomes := list.Tasks[0], list.Tasks[1], list.Tasks[2]

	t.Run("task, no actions", func(t *testing.T) {
		panel := page(t, plain.CustomerID)
		d := dossier(t, plain.CustomerID)
		for _, w := range []string{`class="dunning-status task"`, "<strong>" + dunning.StepWord(present.EN, plain.Step) + "</strong>",
			`class="channel ` + string(plain.Channel) + `"`, plain.DueSince.Format("2 January 2006"), `class="badge entry invoice"`,
			`class="badge entry due"`} {
			if !strings.Contains(panel, w) {
				t.Errorf("the panel lacks %s:\n%s", w, panel)
			}
		}
		checkTimeline(t, panel, d)
	})

	t.Run("paused by a promise", func(t *testing.T) {
		// A promise of all that is overdue pauses the customer whole; one
		// of less would pause only the oldest invoices it pays in full.
		amount := promised.AmountOverdue
		record(t, dunning.NewAction{CustomerID: promised.CustomerID, Type: dunning.PromiseToPay, Amount: &amount,
			ActionDate: creditflow.NewDate(riskNow.AddDate(0, 0, -2)), PromiseDate: creditflow.NewDate(riskNow.AddDate(0, 0, 10)),
			Note: `<b>call back</b> & "soon"`})
		panel := page(t, promised.CustomerID)
		d := dossier(t, promised.CustomerID)
		for _, w := range []string{`class="dunning-status paused"`, "Paused by a promise to pay by 10 July 2025",
			`>payment promise</span>`, `class="badge entry pending">promise pending</span>`,
			"Note: &lt;b&gt;call back&lt;/b&gt; &amp; &#34;soon&#34;"} {
			if !strings.Contains(panel, w) {
				t.Errorf("the panel lacks %s:\n%s", w, panel)
			}
		}
		if strings.Contains(panel, "<b>") || strings.Contains(panel, `class="dunning-status task"`) {
			t.Errorf("the panel shows the note unescaped or a task:\n%s", panel)
		}
		checkTimeline(t, panel, d)
	})

	t.Run("promises kept and broken", func(t *testing.T) {
		small, large := creditflow.Money(1), creditflow.Money(1_000_000_000)
		record(t, dunning.NewAction{CustomerID: outcomes.CustomerID, Type: dunning.PromiseToPay, Amount: &small,
			ActionDate: creditflow.NewDate(riskNow.AddDate(0, -6, 0)), PromiseDate: creditflow.NewDate(riskNow.AddDate(0, -1, 0))})
		record(t, dunning.NewAction{CustomerID: outcomes.CustomerID, Type: dunning.PromiseToPay, Amount: &large,
			ActionDate: creditflow.NewDate(riskNow.AddDate(0, 0, -20)), PromiseDate: creditflow.NewDate(riskNow.AddDate(0, 0, -15))})
		panel := page(t, outcomes.CustomerID)
		d := dossier(t, outcomes.CustomerID)
		kinds := map[dunning.EntryKind]bool{}
		for _, e := range d.Entries[:min(len(d.Entries), 30)] {
			kinds[e.Kind] = true
		}
		if !kinds[dunning.PromiseBroken] {
			t.Fatalf("the dossier shows no broken promise among its newest entries: %+v", d.Entries)
		}
		want := []string{`<tr class="broken">`, `class="badge entry broken">promise broken</span>`}
		if kinds[dunning.PromiseKept] {
			want = append(want, `<tr class="kept">`, `class="badge entry kept">promise kept</span>`)
		}
		for _, w := range want {
			if !strings.Contains(panel, w) {
				t.Errorf("the panel lacks %s:\n%s", w, panel)
			}
		}
		checkTimeline(t, panel, d)
	})
}
