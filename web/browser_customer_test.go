package web_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/web/browsertest"
)

// customerActionsScreenshot is where the browser test leaves the pictures
// of the customer page's forms, at a width (390, 1440).
func customerActionsScreenshot(width int) string {
	return fmt.Sprintf("../docs/screenshot-customer-actions-%d.png", width)
}

// customerActionsState is what the browser test reads back from the
// customer page after recording a promise.
type customerActionsState struct {
	pageState
	Done        string   `json:"done"`
	Promises    []string `json:"promises"`
	ScrollWidth int      `json:"scroll_width"`
	Open        int      `json:"open"`
	Lang        string   `json:"lang"`
}

// readCustomerActionsJS reads the promise rows of the dossier panel (by
// their badge, in the page's language), the message of the last form, the
// page's width and how many forms are open.
func readCustomerActionsJS(badge string) string {
	return readPageJS(`(() => {
	const rows = Array.from(document.querySelectorAll("#dossier tbody tr")).filter((r) => {
		const b = r.querySelector(".badge.entry");
		return b && b.textContent.trim() === ` + jsString(badge) + `;
	});
	return {
		done: q("#action-done") && !q("#action-done").hidden ? q("#action-done").textContent.trim() : "",
		promises: rows.map((r) => r.querySelector("td.text").textContent.trim()),
		scroll_width: document.documentElement.scrollWidth,
		open: document.querySelectorAll("#actions details[open]").length,
		lang: document.documentElement.lang,
	};
})()`)
}

// TestBrowserCustomerActions records a payment promise on the customer page
// in headless Chromium, on a phone (390 px, in Dutch) and on a desktop
// (1440 px, in English): an amount the page's language reads two ways is
// refused next to the form, the right one is recorded and shows at once in
// the dossier panel, one form is open at a time, the page never scrolls
// sideways, and screenshots are saved.
func TestBrowserCustomerActions(t *testing.T) {
	chrome := browsertest.RequireChromium(t)
	srv, token, host := startBrowserServer(t, openBrowserTestDB(t), creditflow.RoleCollector, browserNow)

	// A customer with a dunning step due today.
	var w dunning.Worklist
	getJSON(t, srv.URL+"/api/dunning/worklist?limit=1", token, &w)
	if len(w.Tasks) == 0 {
		t.Fatal("no task on the worklist of the demo ledger")
	}
	id := w.Tasks[0].CustomerID
	page := srv.URL + "/customers/" + url.PathEscape(id)

	for _, tc := range []struct {
		width                  int
		lang                   string
		bad, good, badge, text string
		error                  string // in the refusal of bad
	}{
		{390, "nl", "1,234", "1.234,56", "betalingsbelofte", "Betalingsbelofte van de debiteur: 1234,56 uiterlijk 25-06-2025", "dubbelzinnig"},
		{1440, "en", "1.234", "1,234.56", "payment promise", "The customer promised to pay 1234.56 by 2025-06-25", "ambiguous"},
	} {
		t.Run(fmt.Sprintf("%d px %s", tc.width, tc.lang), func(t *testing.T) {
			ctx, probs := openTab(t, chrome, host, tc.width, 90*time.Second)
			logInOnTheWay(t, ctx, page, token, chromedp.WaitVisible(chromedp.ID("actions")))
			if err := chromedp.Do(ctx,
				chromedp.Navigate(srv.URL+"/language?"+url.Values{"lang": {tc.lang}, "next": {"/customers/" + id}}.Encode()),
				chromedp.WaitVisible(chromedp.ID("actions")),
			); err != nil {
				t.Fatalf("switch to %s: %v", tc.lang, err)
			}
			// One form at a time: opening the promise closes the call.
			if err := chromedp.Do(ctx,
				chromedp.Click(chromedp.CSS("#act-call > summary")),
				chromedp.Click(chromedp.CSS("#act-promise > summary")),
				chromedp.WaitVisible(chromedp.CSS(`#act-promise input[name="amount"]`)),
			); err != nil {
				t.Fatalf("open the promise form: %v", err)
			}
			st := readPage[customerActionsState](t, ctx, readCustomerActionsJS(tc.badge), "the customer page")
			if st.Open != 1 || st.Lang != tc.lang {
				t.Errorf("%d forms open, page in %q; want 1 in %s", st.Open, st.Lang, tc.lang)
			}
			if st.ScrollWidth > tc.width {
				wide, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("body *")).filter((e) => e.getBoundingClientRect().right > 392 && !e.closest(".tablewrap") && !Array.from(e.children).some((c) => c.getBoundingClientRect().right > 392)).slice(0, 12).map((e) => e.tagName + "#" + e.id + "." + e.className + " " + Math.round(e.getBoundingClientRect().right))`))
				t.Errorf("the page with the promise form open is %d px wide, more than %d: %q", st.ScrollWidth, tc.width, wide)
			}

			// An ambiguous amount is refused next to the form, the field marked.
			if err := chromedp.Do(ctx,
				chromedp.SendKeys(chromedp.CSS(`#act-promise input[name="amount"]`), tc.bad),
				chromedp.SetValue(chromedp.CSS(`#act-promise input[name="promise_date"]`), "2025-06-25"),
				chromedp.Click(chromedp.CSS("#act-promise button[type=submit]")),
				chromedp.WaitVisible(chromedp.CSS("#act-promise .form-error")),
			); err != nil {
				t.Fatalf("submit %q: %v", tc.bad, err)
			}
			msg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#act-promise .form-error").textContent + "|" +
				document.querySelector('#act-promise input[name="amount"]').getAttribute("aria-invalid") + "|" + document.activeElement.name`))
			if err != nil || !strings.Contains(msg, tc.error) || !strings.HasSuffix(msg, "|true|amount") {
				t.Errorf("after %q: %q (%v); want the error saying %q next to the form, the amount marked and focused", tc.bad, msg, err, tc.error)
			}
			for _, p := range probs.Take() {
				if !strings.Contains(p, "400") {
					t.Errorf("refusing %q: %s", tc.bad, p)
				}
			}

			// The right amount is recorded and shows in the dossier at once.
			if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`#act-promise input[name="amount"]`), tc.good)); err != nil {
				t.Fatal(err)
			}
			if err := clickAndWaitForReload(ctx, "#act-promise button[type=submit]", `!document.querySelector("#action-done").hidden`); err != nil {
				t.Fatalf("record the promise: %v", err)
			}
			st = readPage[customerActionsState](t, ctx, readCustomerActionsJS(tc.badge), "the customer page after the promise")
			if st.Done == "" || len(st.Promises) == 0 || !strings.HasPrefix(st.Promises[0], tc.text) {
				t.Errorf("after the promise: message %q, promise rows %q; want a message and a row starting %q", st.Done, st.Promises, tc.text)
			}
			if st.ScrollWidth > tc.width {
				t.Errorf("the page is %d px wide, more than %d", st.ScrollWidth, tc.width)
			}
			for _, p := range probs.Take() {
				t.Errorf("%s: %s", page, p)
			}
			if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#act-promise > summary")),
				chromedp.ScrollIntoView(chromedp.ID("actions"))); err != nil {
				t.Fatal(err)
			}
			saveScreenshot(t, ctx, customerActionsScreenshot(tc.width))
		})
	}
}
