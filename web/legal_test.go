package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// legalCosts is the part of GET /api/legal/collection-costs the tests read.
type legalCosts struct {
	Kind           string  `json:"kind"`
	Amount         float64 `json:"amount"`
	Scale          float64 `json:"scale"`
	MinimumApplied bool    `json:"minimum_applied"`
	CapApplied     bool    `json:"cap_applied"`
	Lines          []struct {
		Band        string   `json:"band"`
		BandFrom    float64  `json:"band_from"`
		BandTo      *float64 `json:"band_to"`
		Base        float64  `json:"base"`
		RatePercent float64  `json:"rate_percent"`
		Amount      float64  `json:"amount"`
	} `json:"lines"`
}

// legalInterest is the part of GET /api/legal/interest the tests read.
type legalInterest struct {
	Kind     string  `json:"kind"`
	Law      string  `json:"law"`
	DueDate  string  `json:"due_date"`
	FirstDay string  `json:"first_day"`
	To       string  `json:"to"`
	Days     int     `json:"days"`
	Interest float64 `json:"interest"`
	Total    float64 `json:"total"`
	Lines    []struct {
		From        string  `json:"from"`
		To          string  `json:"to"`
		Days        int     `json:"days"`
		YearDays    int     `json:"year_days"`
		RatePercent float64 `json:"rate_percent"`
		Base        float64 `json:"base"`
		Interest    float64 `json:"interest"`
		Compounded  bool    `json:"compounded"`
	} `json:"lines"`
}

func TestLegalCollectionCostsAPI(t *testing.T) {
	srv, tok := serveTestDB(t, openAPITestDB(t))

	// 375 + 250 + 250 + 1% of 2,345.67 = 898.4567 → 898.46.
	var c legalCosts
	resp := getJSON(t, srv.URL+"/api/legal/collection-costs?amount=12345.67&kind=b2b", tok.viewer, &c)
	if c.Amount != 898.46 || c.Scale != 898.46 || c.Kind != "b2b" || len(c.Lines) != 4 {
		t.Fatalf("got %+v, want 898.46 in 4 lines", c)
	}
	if l := c.Lines[3]; l.Base != 2345.67 || l.RatePercent != 1 || l.Amount != 23.46 || l.BandTo == nil || *l.BandTo != 200000 {
		t.Errorf("last line %+v", l)
	}
	for _, field := range []string{`"amount": 898.46`, `"rate_percent": 15.00`, `"base": 2500.00`, `"band": "0.00 - 2500.00"`} {
		if !strings.Contains(string(resp.body), field) {
			t.Errorf("answer without %s:\n%s", field, resp.body)
		}
	}

	// The minimum for a consumer, and the cap.
	getJSON(t, srv.URL+"/api/legal/collection-costs?amount=100&kind=b2c", tok.viewer, &c)
	if c.Amount != 40 || !c.MinimumApplied || c.Kind != "b2c" {
		t.Errorf("100 for a consumer: %+v, want the minimum 40", c)
	}
	getJSON(t, srv.URL+"/api/legal/collection-costs?amount=2000000&kind=B2B", tok.viewer, &c)
	if c.Amount != 6775 || !c.CapApplied || c.Lines[4].BandTo != nil {
		t.Errorf("2,000,000: %+v, want the cap 6775", c)
	}
}

func TestLegalInterestAPI(t *testing.T) {
	srv, tok := serveTestDB(t, openAPITestDB(t))

	// 10,000 × 12% × 184/365 = 604.93; 10,000 × 12.5% × 182/366 = 621.58;
	// then compounded: 11,226.51 × 12.25% × 15/366 = 56.36.
	var in legalInterest
	getJSON(t, srv.URL+"/api/legal/interest?amount=10000&from=2023-06-30&to=2024-07-15&kind=b2b", tok.viewer, &in)
	if in.Interest != 1282.87 || in.Total != 11282.87 || in.Days != 381 || in.FirstDay != "2023-07-01" || len(in.Lines) != 3 {
		t.Fatalf("got %+v, want 1282.87 over 381 days in 3 lines", in)
	}
	if l := in.Lines[2]; l.Base != 11226.51 || !l.Compounded || l.RatePercent != 12.25 || l.YearDays != 366 || l.From != "2024-07-01" {
		t.Errorf("compounded line %+v", l)
	}
	if !strings.Contains(in.Law, "6:119a") {
		t.Errorf("law %q, want art. 6:119a", in.Law)
	}

	// Without to, interest runs up to today (2025-03-01 in the tests).
	getJSON(t, srv.URL+"/api/legal/interest?amount=1000.00&from=2025-02-28&kind=b2c", tok.viewer, &in)
	if in.To != apiNow.Format("2006-01-02") || !strings.Contains(in.Law, "6:119 ") {
		t.Errorf("default to: %+v, want up to %s at the wettelijke rente", in, apiNow.Format("2006-01-02"))
	}

	// Paid on the due date: no interest.
	getJSON(t, srv.URL+"/api/legal/interest?amount=1000.00&from=2025-02-28&to=2025-02-28&kind=b2c", tok.viewer, &in)
	if in.Interest != 0 || len(in.Lines) != 0 || in.Days != 0 {
		t.Errorf("paid on the due date: %+v, want nothing", in)
	}
}

func TestLegalAPIBadRequests(t *testing.T) {
	srv, tok := serveTestDB(t, openAPITestDB(t))

	checkBadRequests(t, srv.URL, tok.viewer, []badRequest{
		{"costs without amount", "/api/legal/collection-costs?kind=b2b", "amount"},
		{"costs amount not a number", "/api/legal/collection-costs?amount=abc&kind=b2b", "amount"},
		{"costs amount with a comma", "/api/legal/collection-costs?amount=1.234,56&kind=b2b", "amount"},
		{"costs amount with three decimals", "/api/legal/collection-costs?amount=1.234&kind=b2b", "amount"},
		{"costs negative amount", "/api/legal/collection-costs?amount=-5&kind=b2b", "amount"},
		{"costs without kind", "/api/legal/collection-costs?amount=100", "kind"},
		{"costs unknown kind", "/api/legal/collection-costs?amount=100&kind=b2g", "kind"},
		{"interest without amount", "/api/legal/interest?from=2025-01-01&kind=b2b", "amount"},
		{"interest without from", "/api/legal/interest?amount=100&kind=b2b", "from"},
		{"interest bad from", "/api/legal/interest?amount=100&from=01-01-2025&kind=b2b", "from"},
		{"interest bad to", "/api/legal/interest?amount=100&from=2025-01-01&to=2025-02-30&kind=b2b", "to"},
		{"interest to before from", "/api/legal/interest?amount=100&from=2025-01-02&to=2025-01-01&kind=b2b", "before"},
		{"interest unknown kind", "/api/legal/interest?amount=100&from=2025-01-01&kind=consumer", "kind"},
		{"interest before the rate table", "/api/legal/interest?amount=100&from=2001-01-01&to=2001-02-01&kind=b2c", "rate"},
	})
}

func TestLegalAPIAuth(t *testing.T) {
	srv, tok := serveTestDB(t, openAPITestDB(t))

	for _, path := range []string{
		"/api/legal/collection-costs?amount=100&kind=b2b",
		"/api/legal/interest?amount=100&from=2025-01-01&to=2025-02-01&kind=b2b",
	} {
		t.Run(path, func(t *testing.T) {
			checkJSONError(t, "no token", do(t, newRequest(t, http.MethodGet, srv.URL+path, "", nil, "")), http.StatusUnauthorized)
			checkJSONError(t, "unknown token", do(t, newRequest(t, http.MethodGet, srv.URL+path, "cf_0123456789ab_"+strings.Repeat("ab", 24), nil, "")), http.StatusUnauthorized)
			for _, token := range []string{tok.viewer, tok.collector, tok.admin} {
				getJSON(t, srv.URL+path, token, nil)
			}
		})
	}
}
