package web_test

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/app/apptest"
	"github.com/creditflow/creditflow/store/storetest"
	"github.com/creditflow/creditflow/web"
)

// serveTodayLedger serves the day ledger (apptest.TodayLedger) on its clock
// and policy, with a token of each role and a collector's named anna.
func serveTodayLedger(t *testing.T) (srv *httptest.Server, tok apiTokens, anna string) {
	t.Helper()
	db := storetest.MustOpen(t)
	p := apptest.TodayPolicy()
	now := func() time.Time { return apptest.TodayNow }
	a := app.New(app.Config{DB: db, Now: now, Policy: &p})
	apptest.TodayLedger(t, a)
	anna, err := app.CreateToken(context.Background(), db, creditflow.RoleCollector, "anna", apptest.TodayNow)
	if err != nil {
		t.Fatal(err)
	}
	srv, tok = serveTestDB(t, db, func(c *web.Config) { c.App, c.Now = a, now })
	return srv, tok, anna
}

// loginAs logs in with token and returns the session cookie and where the
// login sends the browser.
func loginAs(t *testing.T, base, token, next string) (*http.Cookie, string) {
	t.Helper()
	form := url.Values{"token": {token}, "next": {next}}
	resp := do(t, newRequest(t, http.MethodPost, base+"/login", "", []byte(form.Encode()), "application/x-www-form-urlencoded"))
	if resp.status != http.StatusSeeOther {
		t.Fatalf("POST /login: %d, want 303", resp.status)
	}
	for _, c := range (&http.Response{Header: resp.header}).Cookies() {
		if c.Name == "creditflow_session" {
			return c, resp.header.Get("Location")
		}
	}
	t.Fatal("POST /login: no session cookie")
	return nil, ""
}

// TestLandingPage checks that a collector lands on the Today page after
// login, and the other roles on the overview, unless the login was on
// the way to another page.
func TestLandingPage(t *testing.T) {
	srv, tok := serveTestDB(t, openAPITestDB(t))
	tests := []struct{ name, token, next, want string }{
		{"collector", tok.collector, "/", "/today"},
		{"collector without next", tok.collector, "", "/today"},
		{"collector on the way to the risk page", tok.collector, "/risk?as_of=2025-03-01", "/risk?as_of=2025-03-01"},
		{"viewer", tok.viewer, "/", "/"},
		{"admin", tok.admin, "/", "/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, got := loginAs(t, srv.URL, tt.token, tt.next); got != tt.want {
				t.Errorf("login with next=%q goes to %q, want %q", tt.next, got, tt.want)
			}
		})
	}
}

// TestTodayPage reads the Today page of the day ledger in English and in
// Dutch, and checks each block, the links and the visit it records.
func TestTodayPage(t *testing.T) {
	srv, tok, anna := serveTodayLedger(t)
	// The page writes the time of the last visit in the server's zone.
	clock := apptest.TodayNow.In(time.Local).Format("15:04")
	cookie, landing := loginAs(t, srv.URL, anna, "/")
	if landing != "/today" {
		t.Fatalf("a collector lands on %q, want /today", landing)
	}
	get := func(t *testing.T, path, lang string) string {
		t.Helper()
		req := newRequest(t, http.MethodGet, srv.URL+path, "", nil, "")
		req.AddCookie(cookie)
		req.Header.Set("Accept-Language", lang)
		resp := do(t, req)
		if resp.status != http.StatusOK {
			t.Fatalf("GET %s: %d:\n%s", path, resp.status, resp.body)
		}
		return html.UnescapeString(string(resp.body))
	}
	check := func(t *testing.T, page string, want, notWant []string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(page, w) {
				t.Errorf("page lacks %q", w)
			}
		}
		for _, w := range notWant {
			if strings.Contains(page, w) {
				t.Errorf("page has %q", w)
			}
		}
	}
	// The codes that must not reach the screen.
	codes := []string{">silence<", "friendly_reminder", "promise_to_pay", ">letter<", ">email<", "last_call", "aanmaning<"}

	// The first visit: the alerts of the last 7 days.
	en := get(t, "/today", "en")
	check(t, en, []string{
		`<html lang="en">`, `class="active" aria-current="page">Today</a>`, "Today · 7 December 2026",
		// promises
		`href="/customers/P1?as_of=2026-12-07">Pelikaan BV</a>`, "EUR 300.00", "1 promise, EUR 300.00",
		`href="/customers/P2?as_of=2026-12-07">Pauw BV</a>`, "EUR 150.00", "1 promise, EUR 250.00 unpaid", "by 2026-12-06",
		// alerts
		"Your first visit: the changes detected since 30 November 2026 " + clock + ".", `href="/customers/S1?as_of=2026-12-07">Stil BV</a>`,
		`<span class="badge silent">Stopped paying</span>`, "1 customer, EUR 600.00 outstanding",
		// bank
		`href="/customers/K2?as_of=2026-12-07">Kraai BV</a>`, "by hand, by Bram", `href="/customers/K1?as_of=2026-12-07">Kievit BV</a>`,
		"matched automatically", "2 credits, EUR 180.00 · 1 automatically (EUR 120.00), 1 by hand (EUR 60.00)",
		"2 credits, EUR 75.00 · the oldest booked on 2 December 2026", `<a href="/unmatched">Match them</a>`,
		// letters
		`href="/customers/B2?as_of=2026-12-07">Eland BV</a>`, "formal reminder (aanmaning)", ">post<",
		"1 letter, EUR 400.00 overdue · 1 by post, 0 by e-mail", `href="/worklist?as_of=2026-12-07&channel=letter"`,
		// owners
		"Each owner can make 2 calls a day.", `Anna <span class="badge mine">you</span></span>`, "3 / 2", "1 over capacity", "1 / 2", "Unassigned",
	}, codes)
	if !strings.Contains(en, `class="over-capacity"`) || strings.Count(en, `class="over-capacity"`) != 1 {
		t.Errorf("%d owners marked over capacity, want 1 (Anna)", strings.Count(en, `class="over-capacity"`))
	}

	// The second visit: the alerts since the first.
	nl := get(t, "/today", "nl")
	check(t, nl, []string{
		`<html lang="nl">`, `aria-current="page">Vandaag</a>`, "Vandaag · 7 december 2026",
		"Beloftes die vandaag vervallen", "€ 300,00", "1 belofte, € 250,00 onbetaald", "uiterlijk 06-12-2026",
		"Gesignaleerd sinds uw vorige bezoek, 7 december 2026 " + clock + ".", "Betaalt niet meer",
		"met de hand, door Bram", "automatisch gekoppeld", "2 bijschrijvingen, € 75,00 · de oudste geboekt op 2 december 2026",
		">aanmaning<", ">post<", "1 brief, € 400,00 vervallen · 1 per post, 0 per e-mail",
		"Elke behandelaar kan 2 gesprekken per dag voeren.", "1 boven capaciteit", "Niet toegewezen", `<span class="badge mine">u</span>`,
	}, []string{">silence<", "friendly_reminder", "promise_to_pay", "Stopped paying", "Unassigned", "EUR "})

	// Another date: the week before it, no visit recorded.
	past := get(t, "/today?as_of=2026-12-01", "en")
	check(t, past, []string{"Today · 1 December 2026", "Detected since 24 November 2026, a week before this date.",
		"No promises to pay were broken since yesterday.", "No bank credits were booked yesterday or today."}, nil)
	if again := get(t, "/today", "en"); !strings.Contains(again, "Detected since your last visit, 7 December 2026 "+clock+".") {
		t.Error("the visit of another date moved the last visit")
	}

	t.Run("api", func(t *testing.T) {
		var d creditflow.Today
		getJSON(t, srv.URL+"/api/today?as_of=2026-12-07", tok.viewer, &d)
		if len(d.Promises.Due) != 1 || len(d.Promises.Broken) != 1 || len(d.Alerts.Alerts) != 1 || d.Bank.Unmatched != 2 ||
			len(d.Letters.Letters) != 1 || len(d.Owners) != 3 || d.User != "test viewer" {
			t.Errorf("GET /api/today: %+v", d)
		}
		if want := apptest.TodayAsOf.AddDays(-7).Time; !d.Alerts.Since.Equal(want) {
			t.Errorf("since %s, want %s (7 days before as_of)", d.Alerts.Since, want)
		}
		checkBadRequests(t, srv.URL, tok.viewer, []badRequest{
			{"bad as_of", "/api/today?as_of=7-12-2026", "as_of"},
			{"since after as_of", "/api/today?as_of=2026-12-07&since=2026-12-08", "since"},
		})
	})
}

// TestTodayPageEmpty checks the empty states of a day with nothing in it,
// in both languages.
func TestTodayPageEmpty(t *testing.T) {
	srv, tok := serveTestDB(t, ledgerTestDB(t))
	cookie, _ := loginSession(t, srv.URL, tok.collector)
	for lang, want := range map[string][]string{
		"en": {"No promises to pay fall due today.", "No promises to pay were broken since yesterday.",
			"No bank credits were booked yesterday or today.", "No bank credits wait to be matched.", "0 promises, EUR 0.00"},
		"nl": {"Geen beloftes die vandaag vervallen.", "Geen beloftes die sinds gisteren zijn gebroken.",
			"Gisteren en vandaag zijn geen bijschrijvingen geboekt.", "Er wachten geen bijschrijvingen op koppeling.", "0 beloftes, € 0,00"},
	} {
		req := newRequest(t, http.MethodGet, srv.URL+"/today", "", nil, "")
		req.AddCookie(cookie)
		req.Header.Set("Accept-Language", lang)
		resp := do(t, req)
		if resp.status != http.StatusOK {
			t.Fatalf("GET /today in %s: %d:\n%s", lang, resp.status, resp.body)
		}
		page := html.UnescapeString(string(resp.body))
		for _, w := range want {
			if !strings.Contains(page, w) {
				t.Errorf("%s: page lacks %q", lang, w)
			}
		}
	}
}
