package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/web/browsertest"
)

// TestBrowserAdmin logs in by name and password in headless Chromium on the
// way to /admin, adds a user and makes an API token there, which is shown
// once and works, and finds both in the audit log, in the Dutch the user
// prefers, without JavaScript errors.
func TestBrowserAdmin(t *testing.T) {
	chrome := browsertest.RequireChromium(t)
	db := openAPITestDB(t)
	srv, _, host := startBrowserServer(t, db, creditflow.RoleViewer, browserNow)
	addTestUser(t, db, "anna", creditflow.RoleAdmin, "annaspassword")
	// anna reads Dutch, whatever the browser asks for.
	nl := "nl"
	if _, err := app.NewAuth(app.AuthConfig{DB: db, Now: func() time.Time { return browserNow }}).ChangeUser(context.Background(), app.Principal{}, "anna", app.UserChange{Lang: &nl}); err != nil {
		t.Fatal(err)
	}
	ctx, probs := openTab(t, chrome, host, 1280, 60*time.Second)
	wait := func(what, js string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	if err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/admin"),
		chromedp.WaitVisible(chromedp.ID("name")),
		chromedp.SendKeys(chromedp.ID("name"), "anna"),
		chromedp.SendKeys(chromedp.ID("password"), "annaspassword"),
		chromedp.Click(chromedp.CSS(`#login-name button[type="submit"]`)),
	); err != nil {
		t.Fatalf("log in by name on the way to /admin: %v", err)
	}
	leftLogin(t, ctx)
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID("users"))); err != nil {
		t.Fatalf("the admin page after logging in: %v", err)
	}
	wantLocation(t, ctx, srv.URL+"/admin")

	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#user-add input[name="name"]`), "bert"),
		chromedp.SetValue(chromedp.CSS(`#user-add select[name="role"]`), "collector"),
		chromedp.SendKeys(chromedp.CSS(`#user-add input[name="password"]`), "bertspassword"),
	); err != nil {
		t.Fatal(err)
	}
	if err := clickAndWaitForReload(ctx, `#user-add button[type="submit"]`, `document.querySelector('#users tr[data-user="bert"] select.user-role') !== null &&
		document.querySelector('#users tr[data-user="bert"] select.user-role').value === "collector"`); err != nil {
		t.Fatalf("bert in the table after the reload: %v", err)
	}

	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#token-add input[name="name"]`), "scanner"),
		chromedp.Click(chromedp.CSS(`#token-add button[type="submit"]`)),
	); err != nil {
		t.Fatal(err)
	}
	wait("the new token", `!document.getElementById("token-new").hidden && document.getElementById("token-value").textContent.startsWith("cf_")`)
	token, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("token-value").textContent`))
	if err != nil {
		t.Fatal(err)
	}
	getJSON(t, srv.URL+"/api/stats", token, nil) // the token works
	saveScreenshot(t, ctx, "../docs/screenshot-admin.png")

	// The audit log shows what anna did, in words.
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/admin?offset=0#audit"), chromedp.WaitVisible(chromedp.ID("audit"))); err != nil {
		t.Fatal(err)
	}
	audit, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("audit").textContent`))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"API-token aangemaakt", "Gebruiker toegevoegd", "Ingelogd", "scanner"} {
		if !strings.Contains(audit, want) {
			t.Errorf("the audit log has no %q:\n%s", want, audit)
		}
	}
	for _, p := range probs.Take() {
		t.Errorf("/admin: %s", p)
	}
}
