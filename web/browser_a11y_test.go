package web_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/web/browsertest"
)

// a11yPages are the pages every accessibility and phone check visits,
// by name; %s is a customer's id.
var a11yPages = []struct{ name, path string }{
	{"overview", "/"}, // first: the page the log-in goes to
	{"today", "/today"},
	{"risk", "/risk"},
	{"forecast", "/forecast"},
	{"worklist", "/worklist"},
	{"customer", "/customers/%s"},
	{"unmatched", "/unmatched"},
	{"search", "/search?q=b"},
	{"upload", "/upload"},
	{"admin", "/admin"},
	{"not-found", "/no/such/page"},
}

// TestBrowserEveryPageAccessible opens every page in headless Chromium at
// a phone's width (390 px) and a desktop's (1440 px), in Dutch and in
// English, and checks that no page scrolls sideways and that axe-core
// finds no serious or critical violation of WCAG 2.1 AA. The log-in page
// is checked before logging in.
func TestBrowserEveryPageAccessible(t *testing.T) {
	chrome := browsertest.RequireChromium(t)
	axe := browsertest.RequireAxe(t, ".")
	db := openBrowserTestDB(t)
	srv, token, host := startBrowserServer(t, db, creditflow.RoleAdmin, browserNow)
	var customer string
	if err := db.QueryRow(`SELECT customer_id FROM invoices GROUP BY customer_id ORDER BY count(*) DESC, customer_id LIMIT 1`).Scan(&customer); err != nil {
		t.Fatal(err)
	}

	for _, view := range []struct {
		lang  string
		width int
	}{{"nl", 390}, {"nl", 1440}, {"en", 390}, {"en", 1440}} {
		t.Run(fmt.Sprintf("%s-%d", view.lang, view.width), func(t *testing.T) {
			ctx, probs := openTab(t, chrome, host, view.width, 3*time.Minute)
			check := func(name string) {
				t.Helper()
				time.Sleep(200 * time.Millisecond) // the charts draw after the load event
				if over, err := browsertest.HorizontalOverflow(ctx); err != nil {
					t.Fatal(err)
				} else if over > 0 {
					t.Errorf("%s: the page is %d px wider than the %d px window", name, over, view.width)
				}
				vs, err := browsertest.Axe(ctx, axe)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				for _, v := range vs {
					t.Errorf("%s: %s", name, v)
				}
			}
			if _, err := chromedp.Run(ctx, chromedp.Navigate(srv.URL+"/language?"+url.Values{"lang": {view.lang}, "next": {"/login"}}.Encode())); err != nil {
				t.Fatal(err)
			}
			if w, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.innerWidth`)); err != nil || w != view.width {
				t.Fatalf("the window is %d px wide (%v), want %d", w, err, view.width)
			}
			check("login")
			if view.lang == "nl" {
				saveScreenshot(t, ctx, fmt.Sprintf("../docs/screens/login-%d.png", view.width))
			}
			// The top bar is on the dashboard, not on the login page.
			logInOnTheWay(t, ctx, srv.URL+"/", token, chromedp.WaitVisible(chromedp.CSS(".topbar")))
			for _, p := range a11yPages {
				path := p.path
				if p.name == "customer" {
					path = fmt.Sprintf(p.path, url.PathEscape(customer))
				}
				if _, err := chromedp.Run(ctx, chromedp.Navigate(srv.URL+path)); err != nil {
					t.Fatalf("%s: %v", path, err)
				}
				// A page whose slow parts are still being computed reloads
				// itself when they are ready: check the page it becomes.
				if err := waitSettled(ctx, 90*time.Second); err != nil {
					t.Fatalf("%s: the page did not finish: %v", path, err)
				}
				check(p.name)
				// The README shows the Dutch pages; the English ones are left in
				// the temporary directory to look at.
				shot := fmt.Sprintf("../docs/screens/%s-%d.png", p.name, view.width)
				if view.lang != "nl" {
					shot = filepath.Join(os.TempDir(), "creditflow-screenshots", fmt.Sprintf("en-%s-%d.png", p.name, view.width))
				}
				saveScreenshot(t, ctx, shot)
			}
			for _, p := range probs.Take() {
				// The page that is not found answers 404 on purpose.
				t.Logf("browser: %s", p)
			}
		})
	}
}

// waitSettled waits until the page has loaded and has no part left that
// reloads it when ready ([data-ready]). A reload in the middle of a look
// fails that look; the next one sees the new page.
func waitSettled(ctx context.Context, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		done, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.readyState === "complete" && !document.querySelector("[data-ready]")`))
		if err == nil && done {
			return nil
		}
		if time.Now().After(deadline) {
			if err == nil {
				err = errors.New("a part of the page is still being computed")
			}
			return err
		}
		time.Sleep(200 * time.Millisecond)
	}
}
