package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creditflow/creditflow"
)

// checkForecast checks the invariants of a forecast answer: weeks weeks
// from Monday to Sunday, one after the other, the first holding the day
// after asOf; expected = from_open + from_new to the cent; p10 <= p50 <= p90.
func checkForecast(t *testing.T, f creditflow.Forecast, asOf string, weeks int) {
	t.Helper()
	if f.AsOf.String() != asOf || f.Currency != "EUR" || len(f.Weeks) != weeks {
		t.Fatalf("as_of %s, currency %q, %d weeks; want %s, EUR, %d", f.AsOf, f.Currency, len(f.Weeks), asOf, weeks)
	}
	day, _ := creditflow.ParseDate(asOf)
	next := day.AddDays(1)
	for i, wk := range f.Weeks {
		if wk.WeekStart.Weekday() != time.Monday || wk.WeekEnd != wk.WeekStart.AddDays(6) {
			t.Errorf("week %d: %s to %s, want Monday to Sunday", i, wk.WeekStart, wk.WeekEnd)
		}
		if i == 0 && (next.Before(wk.WeekStart.Time) || next.After(wk.WeekEnd.Time)) {
			t.Errorf("the first week %s to %s does not hold %s, the day after as_of", wk.WeekStart, wk.WeekEnd, next)
		}
		if i > 0 && wk.WeekStart != f.Weeks[i-1].WeekStart.AddDays(7) {
			t.Errorf("week %d starts %s, want a week after %s", i, wk.WeekStart, f.Weeks[i-1].WeekStart)
		}
		if wk.FromOpen+wk.FromNew != wk.Expected {
			t.Errorf("week %s: from_open %s + from_new %s != expected %s", wk.WeekStart, wk.FromOpen, wk.FromNew, wk.Expected)
		}
		if wk.P10 > wk.P50 || wk.P50 > wk.P90 {
			t.Errorf("week %s: p10 %s, p50 %s, p90 %s are not in order", wk.WeekStart, wk.P10, wk.P50, wk.P90)
		}
		if wk.Expected < 0 || wk.FromOpen < 0 || wk.FromNew < 0 || wk.P10 < 0 {
			t.Errorf("week %s: negative cash %+v", wk.WeekStart, wk)
		}
	}
}

// forecastSum is the cash expected over all weeks, from open invoices and
// in total.
func forecastSum(f creditflow.Forecast) (open, total creditflow.Money) {
	for _, wk := range f.Weeks {
		open += wk.FromOpen
		total += wk.Expected
	}
	return open, total
}

// TestForecastAPI runs GET /api/forecast on the risk ledger: credentials,
// bad parameters, the JSON of the answer and its invariants, the cache and
// its invalidation by an ingest; and the payment forecast of the open items.
func TestForecastAPI(t *testing.T) {
	srv, tok := startRiskServer(t)
	path := "/api/forecast?as_of=" + riskAsOf

	t.Run("credentials", func(t *testing.T) {
		for _, token := range []string{"", "cf_nope_0000"} {
			resp := do(t, newRequest(t, http.MethodGet, srv.URL+path, token, nil, ""))
			checkJSONError(t, "token "+token, resp, http.StatusUnauthorized)
		}
		for _, token := range []string{tok.viewer, tok.collector, tok.admin} {
			getJSON(t, srv.URL+path+"&weeks=1", token, nil)
		}
	})

	t.Run("bad parameters", func(t *testing.T) {
		var requests []badRequest
		for _, query := range []string{"as_of=2025-13-01", "as_of=30-06-2025",
			"weeks=0", "weeks=53", "weeks=-1", "weeks=abc", "weeks=1.5", "weeks=99999999999999999999"} {
			name, _, _ := strings.Cut(query, "=")
			requests = append(requests, badRequest{query, "/api/forecast?" + query, name})
		}
		checkBadRequests(t, srv.URL, tok.viewer, requests)
	})

	var def creditflow.Forecast
	t.Run("13 weeks by default", func(t *testing.T) {
		resp := getJSON(t, srv.URL+path, tok.viewer, &def)
		var top map[string]json.RawMessage
		if err := json.Unmarshal(resp.body, &top); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"as_of", "currency", "weeks", "top_customers"} {
			if _, ok := top[k]; !ok {
				t.Errorf("answer lacks %s: %s", k, resp.body)
			}
		}
		var weeks []map[string]json.RawMessage
		if err := json.Unmarshal(top["weeks"], &weeks); err != nil || len(weeks) == 0 {
			t.Fatalf("weeks: %v in %s", err, top["weeks"])
		}
		want := []string{"expected", "from_new", "from_open", "p10", "p50", "p90", "week_end", "week_start"}
		if got := slices.Sorted(mapKeys(weeks[0])); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("week fields %q, want %q", got, want)
		}
		checkForecast(t, def, riskAsOf, 13)
		open, total := forecastSum(def)
		if open <= 0 || total <= open {
			t.Errorf("13 weeks bring %s from open invoices of %s in all; want both positive, and new invoices too", open, total)
		}
		if len(def.TopCustomers) == 0 {
			t.Error("no top customers")
		}
		for i, c := range def.TopCustomers {
			if c.CustomerID == "" || c.Expected <= 0 || c.Expected > c.OpenAmount+1 {
				t.Errorf("top customer %+v: want an id and 0 < expected <= open amount", c)
			}
			if i > 0 && c.Expected > def.TopCustomers[i-1].Expected {
				t.Errorf("top customer %s expects more than the one before it", c.CustomerID)
			}
		}
		// Amounts are money: two decimals at most.
		if m := regexp.MustCompile(`"(expected|p10|p50|p90|from_open|from_new)": -?\d+\.\d{3,}`).Find(resp.body); m != nil {
			t.Errorf("amount with more than two decimals: %s", m)
		}
	})

	t.Run("weeks", func(t *testing.T) {
		for _, n := range []int{1, 4, 52} {
			var f creditflow.Forecast
			getJSON(t, srv.URL+path+"&weeks="+strconv.Itoa(n), tok.viewer, &f)
			checkForecast(t, f, riskAsOf, n)
			if len(def.Weeks) > 0 && len(f.Weeks) > 0 && f.Weeks[0].WeekStart != def.Weeks[0].WeekStart {
				t.Errorf("weeks=%d starts %s, the default %s", n, f.Weeks[0].WeekStart, def.Weeks[0].WeekStart)
			}
		}
		var other creditflow.Forecast
		getJSON(t, srv.URL+"/api/forecast?as_of=2025-03-15", tok.viewer, &other)
		checkForecast(t, other, "2025-03-15", 13)
	})

	t.Run("as_of defaults to today", func(t *testing.T) {
		var f creditflow.Forecast
		getJSON(t, srv.URL+"/api/forecast", tok.viewer, &f)
		checkForecast(t, f, riskAsOf, 13)
	})

	t.Run("same answer from the cache and concurrently", func(t *testing.T) {
		first := getJSON(t, srv.URL+"/api/forecast?as_of=2025-05-31&weeks=8", tok.viewer, nil)
		var wg sync.WaitGroup
		bodies := make([][]byte, 4)
		for i := range bodies {
			wg.Go(func() {
				bodies[i] = getJSON(t, srv.URL+"/api/forecast?as_of=2025-05-31&weeks=8", tok.viewer, nil).body
			})
		}
		wg.Wait()
		for i, b := range bodies {
			if !bytes.Equal(b, first.body) {
				t.Errorf("answer %d differs from the first:\n%s\nwant\n%s", i, b, first.body)
			}
		}
	})

	t.Run("open items", func(t *testing.T) {
		items, resp := openItemsOf(t, srv.URL+"/api/open-items?as_of="+riskAsOf+"&limit=300", tok.viewer)
		for _, it := range items {
			p, ok := it["p_paid_within_30_days"].(float64)
			if !ok || !isProb(p) {
				t.Errorf("open item %v: p_paid_within_30_days not in [0,1]", it)
			}
			day, _ := it["expected_payment_date"].(string)
			d, err := creditflow.ParseDate(day)
			if err != nil || d.Before(riskNow.AddDate(0, 0, -1)) {
				t.Errorf("open item %v: expected_payment_date %q is not a date after as_of", it, day)
			}
		}
		checkDecimals(t, resp.body, "p_paid_within_30_days", 4)
		// The customer detail keeps its open items as they were.
		var detail struct {
			OpenItems []map[string]any `json:"open_items"`
		}
		getJSON(t, srv.URL+"/api/customers/C000001?as_of="+riskAsOf, tok.viewer, &detail)
		for _, it := range detail.OpenItems {
			if _, ok := it["p_paid_within_30_days"]; ok {
				t.Errorf("customer detail open item %v has p_paid_within_30_days", it)
			}
		}
	})

	// Last, as it changes the ledger: an ingest drops the cached forecasts.
	t.Run("ingest invalidates the cache", func(t *testing.T) {
		before, _ := forecastSum(def)
		invoices := "invoice_id,customer_id,invoice_date,due_date,amount,currency,disputed,description\n" +
			"BIG-1,C000001,2025-06-30,2025-07-14,1000000.00,EUR,false,a large order\n"
		body, ct := multipartBody(t, []upload{{"invoices.csv", invoices}}, nil)
		resp := do(t, newRequest(t, http.MethodPost, srv.URL+"/api/ingest", tok.admin, body, ct))
		if resp.status != http.StatusOK {
			t.Fatalf("POST /api/ingest: %d %s", resp.status, resp.body)
		}
		var after creditflow.Forecast
		getJSON(t, srv.URL+path, tok.viewer, &after)
		checkForecast(t, after, riskAsOf, 13)
		if open, _ := forecastSum(after); open < before+100000*100 {
			t.Errorf("after an invoice of EUR 1,000,000.00 due in two weeks, open invoices bring %s in 13 weeks, before %s; want the forecast to follow the ingest", open, before)
		}
	})
}

// TestForecastPage renders /forecast with a session, and its errors.
func TestForecastPage(t *testing.T) {
	srv, tok := startRiskServer(t)
	cookie, _ := loginSession(t, srv.URL, tok.viewer)
	get := func(t *testing.T, path string) apiResponse {
		t.Helper()
		return getPage(t, srv.URL+path, cookie)
	}

	t.Run("without a session", func(t *testing.T) {
		resp := do(t, newRequest(t, http.MethodGet, srv.URL+"/forecast?as_of="+riskAsOf, "", nil, ""))
		if loc := resp.header.Get("Location"); resp.status != http.StatusSeeOther || loc != "/login?next="+url.QueryEscape("/forecast?as_of="+riskAsOf) {
			t.Errorf("status %d, Location %q; want 303 to the login page", resp.status, loc)
		}
	})

	t.Run("page", func(t *testing.T) {
		// The first view does not wait for the backtest: it says that it
		// runs, and /forecast/ready answers once it is done.
		first := string(get(t, "/forecast?as_of="+riskAsOf).body)
		if !strings.Contains(first, `id="kpi-expected"`) {
			t.Fatalf("the first view lacks the forecast:\n%s", first)
		}
		if strings.Contains(first, `data-state="running"`) && !strings.Contains(first, `data-ready="/forecast/ready?as_of=`+riskAsOf+`"`) {
			t.Error("the first view runs the backtest without a way to fill it in")
		}
		if resp := get(t, "/forecast/ready?as_of="+riskAsOf); resp.status != http.StatusNoContent {
			t.Fatalf("GET /forecast/ready: %d %s", resp.status, resp.body)
		}
		resp := get(t, "/forecast?as_of="+riskAsOf)
		if resp.status != http.StatusOK {
			t.Fatalf("status %d: %s", resp.status, resp.body)
		}
		body := string(resp.body)
		for _, want := range []string{
			`id="forecast_band"`, `id="forecast_split"`, `id="kpi-expected"`, `id="kpi-open"`, `id="cash-customers"`,
			`id="weeks"`, `id="backtest" data-state="ready"`, `class="active" aria-current="page">Cash forecast`,
			`href="/api/forecast?as_of=` + riskAsOf + `&amp;weeks=13"`, `href="/risk?as_of=` + riskAsOf + `"`,
			"Cash forecast from 30 June 2025", "Error on open invoices",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("the page lacks %s", want)
			}
		}
		if n := strings.Count(sectionOf(body, `id="weeks"`), "<td class=\"date\">"); n != 13 {
			t.Errorf("%d weeks in the table, want 13", n)
		}
		if n := strings.Count(sectionOf(body, `id="cash-customers"`), `href="/customers/`); n == 0 {
			t.Error("no customer links in the table of customers")
		}
		if strings.Contains(body, "<img src=x") || strings.Contains(body, "__f__") {
			t.Error("ledger text reached the page unescaped")
		}
		if csp := resp.header.Get("Content-Security-Policy"); csp == "" {
			t.Error("no Content-Security-Policy")
		}
	})

	t.Run("nav links to it", func(t *testing.T) {
		for _, path := range []string{"/?as_of=" + riskAsOf, "/risk?as_of=" + riskAsOf, "/customers/C000001?as_of=" + riskAsOf} {
			resp := get(t, path)
			if !strings.Contains(string(resp.body), `href="/forecast?as_of=`+riskAsOf+`">Cash forecast</a>`) {
				t.Errorf("%s has no nav link to the cash forecast on its date", path)
			}
		}
	})

	t.Run("bad date", func(t *testing.T) {
		resp := get(t, "/forecast?as_of=yesterday")
		if resp.status != http.StatusBadRequest || !strings.Contains(string(resp.body), `yesterday&#34; is not a date`) {
			t.Errorf("status %d; want 400 and the page saying why:\n%s", resp.status, resp.body)
		}
	})
}

// sectionOf is the part of a page from marker to the end of its section.
func sectionOf(body, marker string) string {
	i := strings.Index(body, marker)
	if i < 0 {
		return ""
	}
	rest := body[i:]
	if j := strings.Index(rest, "</section>"); j >= 0 {
		return rest[:j]
	}
	return rest
}

// TestForecastEmptyLedger forecasts nothing, without failing, on a ledger
// without invoices.
func TestForecastEmptyLedger(t *testing.T) {
	srv, tok := serveTestDB(t, openAPITestDB(t))
	var f creditflow.Forecast
	resp := getJSON(t, srv.URL+"/api/forecast", tok.viewer, &f)
	if len(f.Weeks) != 13 {
		t.Fatalf("%d weeks, want 13: %s", len(f.Weeks), resp.body)
	}
	for _, wk := range f.Weeks {
		if wk.Expected != 0 || wk.P90 != 0 {
			t.Errorf("week %+v of an empty ledger expects cash", wk)
		}
	}
	if !bytes.Contains(resp.body, []byte(`"top_customers": []`)) {
		t.Errorf("top_customers is not an empty list: %s", resp.body)
	}
	cookie, _ := loginSession(t, srv.URL, tok.viewer)
	page := getPage(t, srv.URL+"/forecast", cookie)
	if page.status != http.StatusOK || !bytes.Contains(page.body, []byte("No customer is expected to pay")) {
		t.Errorf("/forecast on an empty ledger: %d\n%s", page.status, page.body)
	}
}
