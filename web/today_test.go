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

	// The complete page (see TestTodayPageFillsIn for the page before the
	// day's scores are ready).
	waitToday(t, srv.URL, cookie, "2026-12-07")
	waitToday(t, srv.URL, cookie, "2026-12-01")

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

// waitToday waits until the Today page of asOf is complete: GET
// /today/ready answers.
func waitToday(t *testing.T, base string, cookie *http.Cookie, asOf string) {
	t.Helper()
	if resp := getPage(t, base+"/today/ready?as_of="+asOf, cookie); resp.status != http.StatusNoContent {
		t.Fatalf("GET /today/ready?as_of=%s: %d %s", asOf, resp.status, resp.body)
	}
}

// TestTodayPageFillsIn checks the first view of the Today page, before the
// day's risk scores are computed: it shows the promises to pay and the
// bank credits at once, says that the alerts, letters and owners are
// being computed instead of showing them empty, /today/ready answers once
// they are, and the page then shows everything. Only the complete page
// counts as a visit: the reload still shows the changes new since the
// visit before, here the first visit's week.
func TestTodayPageFillsIn(t *testing.T) {
	db := storetest.MustOpen(t)
	p := apptest.TodayPolicy()
	now := func() time.Time { return apptest.TodayNow }
	a := app.New(app.Config{DB: db, Now: now, Policy: &p})
	apptest.TodayLedger(t, a)
	anna, err := app.CreateToken(context.Background(), db, creditflow.RoleCollector, "anna", apptest.TodayNow)
	if err != nil {
		t.Fatal(err)
	}
	srv, tok := serveTestDB(t, db, func(c *web.Config) { c.App, c.Now = a, now })
	cookie, _ := loginAs(t, srv.URL, anna, "/")
	page := func(t *testing.T, lang string) string {
		t.Helper()
		req := newRequest(t, http.MethodGet, srv.URL+"/today", "", nil, "")
		req.AddCookie(cookie)
		req.Header.Set("Accept-Language", lang)
		resp := do(t, req)
		if resp.status != http.StatusOK {
			t.Fatalf("GET /today: %d\n%s", resp.status, resp.body)
		}
		return html.UnescapeString(string(resp.body))
	}
	visited := func(t *testing.T) bool {
		t.Helper()
		_, ok, err := a.LastVisit(context.Background(), "anna", app.TodayPage)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	firstWeek := "Your first visit: the changes detected since 30 November 2026 " + apptest.TodayNow.In(time.Local).Format("15:04") + "."

	first := page(t, "en")
	for _, w := range []string{`id="computing"`, `role="status"`, `data-ready="/today/ready?as_of=2026-12-07"`,
		"need the day's risk scores, which are still being computed",
		// what needs no scores, owners included
		`href="/customers/P1?as_of=2026-12-07">Pelikaan BV</a>`, "1 promise, EUR 300.00", "1 promise, EUR 250.00 unpaid",
		"by hand, by Bram", "2 credits, EUR 75.00 · the oldest booked on 2 December 2026", "Anna", firstWeek,
		`id="alerts"`, `id="letters"`, `id="owners"`, "being computed", "Still being computed."} {
		if !strings.Contains(first, w) {
			t.Errorf("the first view lacks %q", w)
		}
	}
	// No empty state or zero that would change once the scores are there.
	for _, bad := range []string{"No new behaviour changes", "No letters to send today.", "No tasks on the worklist today.",
		"0 customers", "0 letters", "Stil BV", "Eland BV", `class="over-capacity"`} {
		if strings.Contains(first, bad) {
			t.Errorf("the first view shows %q before the day's scores are computed", bad)
		}
	}
	if strings.Count(first, "Still being computed.") != 3 {
		t.Errorf("%d blocks say they are being computed, want 3 (alerts, owners, letters)", strings.Count(first, "Still being computed."))
	}
	if nl := page(t, "nl"); !strings.Contains(nl, "worden nog berekend") || !strings.Contains(nl, "Wordt nog berekend.") ||
		!strings.Contains(nl, "wordt berekend") {
		t.Error("the first view in Dutch does not say that a part is being computed")
	}
	if visited(t) {
		t.Error("the first view, without the alerts, counted as a visit")
	}

	waitToday(t, srv.URL, cookie, "2026-12-07")
	for _, tt := range []struct{ name, path string }{{"bad date", "/today/ready?as_of=someday"}, {"impossible date", "/today/ready?as_of=2026-02-30"}} {
		if resp := getPage(t, srv.URL+tt.path, cookie); resp.status != http.StatusBadRequest {
			t.Errorf("GET /today/ready with a %s: %d, want 400", tt.name, resp.status)
		}
	}
	if resp := do(t, newRequest(t, http.MethodGet, srv.URL+"/today/ready?as_of=2026-12-07", "", nil, "")); resp.status != http.StatusSeeOther ||
		!strings.HasPrefix(resp.header.Get("Location"), "/login") {
		t.Errorf("GET /today/ready without a session: %d to %q, want 303 to the login page", resp.status, resp.header.Get("Location"))
	}

	full := page(t, "en")
	for _, w := range []string{firstWeek, `href="/customers/S1?as_of=2026-12-07">Stil BV</a>`, "1 customer, EUR 600.00 outstanding",
		`href="/customers/B2?as_of=2026-12-07">Eland BV</a>`, "1 letter, EUR 400.00 overdue", "3 / 2", `class="over-capacity"`,
		"1 promise, EUR 300.00", "by hand, by Bram"} {
		if !strings.Contains(full, w) {
			t.Errorf("once ready, the page lacks %q", w)
		}
	}
	for _, bad := range []string{`id="computing"`, "being computed", "data-ready"} {
		if strings.Contains(full, bad) {
			t.Errorf("once ready, the page still shows %q", bad)
		}
	}
	if !visited(t) {
		t.Error("the complete page did not count as a visit")
	}
	if again := page(t, "en"); !strings.Contains(again, "Detected since your last visit, 7 December 2026") {
		t.Error("the visit after the complete page does not show the changes since it")
	}

	t.Run("api", func(t *testing.T) {
		// A date not scored yet: at once without waiting, pending and
		// without the parts that need scores; then waited for.
		const path = "/api/today?as_of=2026-12-06"
		var d creditflow.Today
		getJSON(t, srv.URL+path+"&wait=false", tok.viewer, &d)
		if !d.Pending || len(d.Alerts.Alerts) != 0 || len(d.Owners) != 0 || len(d.Letters.Letters) != 0 || d.Currency != "EUR" {
			t.Errorf("GET %s&wait=false: %+v, want pending, no alerts, owners or letters", path, d)
		}
		waitToday(t, srv.URL, cookie, "2026-12-06")
		var done map[string]any
		getJSON(t, srv.URL+path+"&wait=false", tok.viewer, &done)
		if _, ok := done["pending"]; ok || len(done["owners"].([]any)) == 0 {
			t.Errorf("GET %s&wait=false once ready: pending %v, %d owners", path, done["pending"], len(done["owners"].([]any)))
		}
		checkBadRequests(t, srv.URL, tok.viewer, []badRequest{{"bad wait", path + "&wait=soon", "wait"}})
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
