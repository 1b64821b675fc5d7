package web_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/demo"
	"github.com/creditflow/creditflow/ingest"
	"github.com/creditflow/creditflow/store"
	"github.com/creditflow/creditflow/web"
	"github.com/creditflow/creditflow/web/browsertest"
)

// screenshotPath is where the browser test leaves the picture of the
// overview that the README shows.
const screenshotPath = "../docs/screenshot.png"

// browserNow is the fixed clock of the browser test: mid-month, so that the
// last bar of the aging history (the as-of date) is not a month-end.
var browserNow = time.Date(2025, 6, 18, 9, 30, 0, 0, time.UTC)

// saveScreenshot saves a full-page screenshot: into the README's docs/ with
// -update, else into the temporary directory (its path is logged), so that
// a test run leaves the working tree as it was.
func saveScreenshot(t *testing.T, ctx context.Context, docsPath string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	path := docsPath
	if !*updateGolden {
		path = filepath.Join(os.TempDir(), "creditflow-screenshots", filepath.Base(docsPath))
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot saved to %s", path)
}

// startBrowserServer serves the real web server on db with a fixed clock
// and returns it with a token of role and the host the browser may talk to.
func startBrowserServer(t *testing.T, db *store.DB, role creditflow.Role, now time.Time) (srv *httptest.Server, token, host string) {
	t.Helper()
	token, err := app.CreateToken(context.Background(), db, role, "browser test", now)
	if err != nil {
		t.Fatal(err)
	}
	srv = startAPIServer(t, db, func(c *web.Config) { c.Now = func() time.Time { return now } })
	base, _ := url.Parse(srv.URL)
	return srv, token, base.Host
}

// openTab opens a browser tab on host as browsertest.NewTab does, which lives
// at most timeout.
func openTab(t *testing.T, chrome, host string, width int, timeout time.Duration) (context.Context, *browsertest.Problems) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	return browsertest.NewTab(t, ctx, chrome, host, width)
}

// openBrowserTestDB returns a DuckDB file in a temporary directory, loaded
// with a seeded demo ledger of 60 customers and about 3000 invoices over two
// years up to browserNow.
func openBrowserTestDB(tb testing.TB) *store.DB {
	tb.Helper()
	end := time.Date(browserNow.Year(), browserNow.Month(), browserNow.Day(), 0, 0, 0, 0, time.UTC)
	db, _ := openDemoDB(tb, demo.Config{Customers: 60, Invoices: 3000, Seed: 1, End: end, Years: 2},
		ingest.Options{Now: func() time.Time { return browserNow }}, nil)
	return db
}

// openDemoDB returns a DuckDB file in a temporary directory loaded with the
// demo ledger of cfg, ingested with opt, and what the ingest did; edit, when
// not nil, changes the generated files in dir first. The customers' bank
// accounts and the statements are loaded when cfg has statements.
func openDemoDB(tb testing.TB, cfg demo.Config, opt ingest.Options, edit func(dir string)) (*store.DB, ingest.Result) {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(tb.TempDir(), "ledger.duckdb"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	dir := tb.TempDir()
	if _, err := demo.Generate(ctx, dir, cfg); err != nil {
		tb.Fatalf("demo ledger: %v", err)
	}
	if edit != nil {
		edit(dir)
	}
	paths := []string{
		filepath.Join(dir, demo.CustomersFile),
		filepath.Join(dir, demo.InvoicesFile),
		filepath.Join(dir, demo.PaymentsFile),
	}
	if cfg.Statements {
		paths = append(paths, filepath.Join(dir, demo.CustomerAccountsFile))
		statements, err := os.ReadDir(filepath.Join(dir, demo.StatementsDir))
		if err != nil {
			tb.Fatal(err)
		}
		for _, e := range statements {
			paths = append(paths, filepath.Join(dir, demo.StatementsDir, e.Name()))
		}
	}
	res, err := ingest.Files(ctx, db, paths, opt)
	if err != nil {
		tb.Fatalf("ingest demo ledger: %v", err)
	}
	return db, res
}

// logInOnTheWay opens url in the tab, which lands on the login page, logs
// in there with token (the form behind "Log in with an API token") and
// waits until ready on the page of url.
func logInOnTheWay(t *testing.T, ctx context.Context, url, token string, ready chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("details.token-login"))); err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("details.token-login").open = true`)); err != nil {
		t.Fatalf("open the token form: %v", err)
	}
	if err := chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.SendKeys(chromedp.ID("token"), token),
		chromedp.Click(chromedp.CSS(`#login-token button[type="submit"]`)),
	); err != nil {
		t.Fatalf("log in on the way to %s: %v", url, err)
	}
	leftLogin(t, ctx)
	if err := chromedp.Do(ctx, ready); err != nil {
		t.Fatalf("log in on the way to %s: %v", url, err)
	}
}

// leftLogin waits until the tab has left the login page for a loaded page,
// so that what the test does next does not cut the login short: the login
// page has a <main> of its own that a ready condition may find too. A poll
// that runs when the page changes fails with the navigation, so it asks
// again until a deadline.
func leftLogin(t *testing.T, ctx context.Context) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`location.pathname !== "/login" && document.readyState === "complete"`))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("still on the login page after 20 s (%v)", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitForCharts waits until the JavaScript condition drawn, which checks
// that the page's charts have drawn, holds.
func waitForCharts(ctx context.Context, drawn string) error {
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](drawn,
		chromedp.WithPollingTimeout(20*time.Second), chromedp.WithPollingInterval(100*time.Millisecond)))
	return err
}

// clickAndWaitForReload clicks sel, which makes the page reload, and waits
// until the new page is complete and the JavaScript condition cond holds
// on it. A poll that is running when the page reloads fails with the
// navigation, so it asks again until a deadline; then the error says what
// the page's form errors say.
func clickAndWaitForReload(ctx context.Context, sel, cond string) error {
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.beforeReload = true`)); err != nil {
		return err
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		return err
	}
	reloaded := `!window.beforeReload && document.readyState === "complete" && (` + cond + `)`
	deadline := time.Now().Add(20 * time.Second)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](reloaded))
		if err == nil && ok {
			return nil
		}
		if time.Now().After(deadline) {
			msg, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll(".form-error")).map((e) => e.textContent).join(" ")`))
			return fmt.Errorf("%v; form errors: %s", err, msg)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// pageState is what the tests read back from every page: its error, the
// values of its cards by id and the active link of the nav (readPageJS).
type pageState struct {
	Error     string            `json:"error"`
	Cards     map[string]string `json:"cards"`
	NavActive string            `json:"nav_active"`
}

// shownError is the error the page shows, if any.
func (s pageState) shownError() string { return s.Error }

// readPage reads the state of the page in the tab back with js, one of
// the expressions of readPageJS, and fails the test when that fails (what
// names the page) or when the page shows an error.
func readPage[T interface{ shownError() string }](t *testing.T, ctx context.Context, js, what string) T {
	t.Helper()
	st, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("read %s: %v", what, err)
	}
	if e := st.shownError(); e != "" {
		t.Errorf("%s shows an error: %s", what, e)
	}
	return st
}

// wantLocation checks that the tab is at want after logging in.
func wantLocation(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err != nil || loc != want {
		t.Errorf("after login at %s (%v), want %s", loc, err, want)
	}
}

// readPageJS reads a page's state back: pageState and the fields of own, a
// JavaScript expression of an object, in which q is
// document.querySelector.
func readPageJS(own string) string {
	return `(() => {
	const q = (s) => document.querySelector(s);
	const cards = {};
	document.querySelectorAll(".kpi").forEach((k) => { cards[k.id] = k.querySelector(".value").textContent.trim(); });
	return Object.assign({
		error: q(".error") ? q(".error").textContent.trim() : "",
		cards: cards,
		nav_active: q(".nav a.active") ? q(".nav a.active").textContent.trim() : "",
	}, ` + own + `);
})()`
}

// overviewState is what the test reads back from the rendered overview.
type overviewState struct {
	pageState
	Title     string `json:"title"`
	Items     int    `json:"items"`
	FirstDays string `json:"first_days"`
	Customers int    `json:"customers"`
	ItemsAPI  string `json:"items_api"`
	User      string `json:"user"`
	AsOf      string `json:"as_of"`
	CSRF      bool   `json:"csrf"`
	Bars      int    `json:"bars"`
	Segments  int    `json:"segments"`
}

var readOverviewJS = readPageJS(`(() => {
	const first = q("#open-items tbody tr td:nth-child(6)");
	const api = q('#open-items a[href^="/api/open-items"]');
	const csrf = q('form[action="/logout"] input[name="csrf_token"]');
	const hist = echarts.getInstanceByDom(document.getElementById("aging_history")).getOption();
	const seg = echarts.getInstanceByDom(document.getElementById("aging_segments")).getOption();
	return {
		title: document.title,
		items: document.querySelectorAll("#open-items tbody tr").length,
		first_days: first ? first.textContent.trim() : "",
		customers: document.querySelectorAll("#top-customers tbody tr").length,
		items_api: api ? api.getAttribute("href") : "",
		user: q(".who .user") ? q(".who .user").textContent.trim() : "",
		as_of: q('input[type="date"][name="as_of"]').value,
		csrf: !!(csrf && csrf.value.length > 0),
		bars: hist.xAxis[0].data.length,
		segments: seg.yAxis[0].data.length,
	};
})()`)

// chartsRenderedJS is true when both echarts instances exist, hold the five
// bucket series and have drawn into their canvas.
const chartsRenderedJS = `["aging_history", "aging_segments"].every((id) => {
	const el = document.getElementById(id);
	const c = el && window.echarts && echarts.getInstanceByDom(el);
	if (!c) { return false; }
	const o = c.getOption();
	return !!o && Array.isArray(o.series) && o.series.length === 5 && el.querySelector("canvas") !== null;
})`

// TestBrowserOverview logs in through the login page of the real server in
// headless Chromium, checks that the overview renders its figures and
// charts without errors and without leaving the server, and saves the
// screenshot for the README.
func TestBrowserOverview(t *testing.T) {
	chrome := browsertest.RequireChromium(t)

	srv, token, host := startBrowserServer(t, openBrowserTestDB(t), creditflow.RoleViewer, browserNow)
	ctx, probs := openTab(t, chrome, host, 1280, 60*time.Second)

	// The overview needs a session: the visitor lands on the login page.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.ID("token")),
	); err != nil {
		t.Fatalf("open /: %v", err)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(loc, srv.URL+"/login") {
		t.Fatalf("GET / without a session went to %s, want the login page", loc)
	}

	// Log in with the token and land on the overview.
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("token"), token),
		chromedp.Click(chromedp.CSS(`#login-token button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("kpi-open")),
	); err != nil {
		t.Fatalf("log in: %v", err)
	}
	if loc, err = chromedp.Run(ctx, chromedp.Location()); err != nil {
		t.Fatal(err)
	}
	if loc != srv.URL+"/" {
		t.Errorf("after login at %s, want %s/", loc, srv.URL)
	}

	if err := waitForCharts(ctx, chartsRenderedJS); err != nil {
		t.Fatalf("charts did not render: %v", err)
	}
	st := readPage[overviewState](t, ctx, readOverviewJS, "overview")
	if want := "browser test"; !strings.Contains(st.User, want) || !strings.Contains(st.User, "reader") {
		t.Errorf("header shows user %q, want %q and role reader", st.User, want)
	}
	if st.AsOf != "2025-06-18" {
		t.Errorf("date picker holds %q, want 2025-06-18 (the server's today)", st.AsOf)
	}
	if !st.CSRF {
		t.Error("the logout form has no csrf_token")
	}
	for _, id := range []string{"kpi-open", "kpi-overdue", "kpi-unapplied", "kpi-dso", "kpi-bpdso", "kpi-add", "kpi-cei", "kpi-dtp"} {
		v := st.Cards[id]
		if v == "" || strings.Contains(v, "–") {
			t.Errorf("KPI card %s shows %q, want a value", id, v)
		}
	}
	for _, id := range []string{"kpi-open", "kpi-overdue"} {
		if v := st.Cards[id]; !strings.HasPrefix(v, "EUR ") || !strings.Contains(v, ",") || v == "EUR 0.00" {
			t.Errorf("KPI card %s shows %q, want an amount like EUR 1,234.56", id, v)
		}
	}
	if st.Items != 50 {
		t.Errorf("open items table has %d rows, want 50", st.Items)
	}
	if st.FirstDays == "" || st.FirstDays == "0" {
		t.Errorf("most overdue open item is %q days past due, want more than 0", st.FirstDays)
	}
	if st.Customers != 10 {
		t.Errorf("top customers table has %d rows, want 10", st.Customers)
	}
	if st.Bars != 12 {
		t.Errorf("aging history has %d bars, want 12", st.Bars)
	}
	if st.Segments == 0 {
		t.Error("segment chart has no segments")
	}
	if !strings.HasPrefix(st.ItemsAPI, "/api/open-items?") || !strings.Contains(st.ItemsAPI, "as_of=2025-06-18") {
		t.Errorf("link to the open items API is %q", st.ItemsAPI)
	}

	// The API link works with the session of the page.
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`fetch(`+jsString(st.ItemsAPI)+`)
		.then((r) => r.ok ? r.json() : Promise.reject(new Error("HTTP " + r.status)))
		.then((j) => j.items.length)`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Errorf("fetch %s: %v", st.ItemsAPI, err)
	} else if n <= 50 {
		t.Errorf("%s gave %d items, want more than the 50 on the page", st.ItemsAPI, n)
	}

	for _, p := range probs.Take() {
		t.Errorf("overview: %s", p)
	}

	saveScreenshot(t, ctx, screenshotPath)

	// A bad date is explained on the page, not answered with a 500.
	status, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch("/?as_of=2025-02-30")
		.then((r) => r.status + (r.headers.get("Content-Security-Policy") ? " with CSP" : " without CSP"))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if status != "400 with CSP" {
		t.Errorf("GET /?as_of=2025-02-30 answered %s, want 400 with CSP", status)
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/?as_of=2025-02-30"),
		chromedp.WaitVisible(chromedp.CSS(".error")),
	); err != nil {
		t.Fatalf("bad as_of: %v", err)
	}
	msg, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".error")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(msg, "2025-02-30") || !strings.Contains(msg, "YYYY-MM-DD") {
		t.Errorf("bad as_of shows %q, want it to name the input and the format", msg)
	}
	probs.Take() // the 400 of that page is the point

	// Logging out ends the session: the overview sends us to the login page.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)),
		chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.ID("token")),
	); err != nil {
		t.Fatalf("log out: %v", err)
	}
	for _, p := range probs.Take() {
		t.Errorf("logout: %s", p)
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "<", `\u003c`).Replace(s) + `"`
}
