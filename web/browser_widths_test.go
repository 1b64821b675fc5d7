package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/web/browsertest"
)

// widthState is what TestBrowserWidths reads back from a page at a width.
type widthState struct {
	Lang        string   `json:"lang"`
	Title       string   `json:"title"`
	ScrollWidth int      `json:"scroll_width"`
	InnerWidth  int      `json:"inner_width"`
	Overflowing []string `json:"overflowing"` // KPI cards, values and headings wider than their box
	Cards       int      `json:"cards"`
	Wide        []string `json:"wide"` // the elements that reach beyond the window
	Error       string   `json:"error"`
}

// readWidthsJS measures the page: the width of the document against the
// window, and every KPI card, value and heading against its own box; with
// long, the values are first made as long as an amount in the billions.
func readWidthsJS(long bool) string {
	return `(() => {
	const over = [];
	document.querySelectorAll(".kpi").forEach((k) => {
		const v = k.querySelector(".value");
		if (` + fmt.Sprint(long) + ` && v) { v.textContent = "€ −10.105.141.227,27"; }
		[k, v, k.querySelector("h2"), k.querySelector(".detail")].forEach((el) => {
			if (el && el.scrollWidth > el.clientWidth) {
				over.push(k.id + " " + el.className + ": " + el.scrollWidth + " > " + el.clientWidth + " (" + el.textContent.trim() + ")");
			}
		});
	});
	const wide = [];
	document.querySelectorAll("body *").forEach((el) => {
		const r = el.getBoundingClientRect();
		if (r.right > window.innerWidth + 0.5 && wide.length < 8 && el.offsetParent !== null) {
			wide.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className && el.className.baseVal === undefined ? "." + el.className : "") + ": right " + Math.round(r.right));
		}
	});
	const e = document.querySelector("main .error");
	return {
		lang: document.documentElement.lang,
		title: document.title,
		scroll_width: document.documentElement.scrollWidth,
		inner_width: window.innerWidth,
		overflowing: over,
		cards: document.querySelectorAll(".kpi").length,
		error: e ? e.textContent.trim() : "",
		wide: wide,
	};
})()`
}

// waitThroughReloads waits until the JavaScript condition cond holds on
// the page in the tab, which may reload itself meanwhile: an evaluation cut
// short by the reload is tried again, up to a deadline.
func waitThroughReloads(ctx context.Context, cond string) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](cond))
		if err == nil && ok {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%q does not hold: %v", cond, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestBrowserWidths opens the overview, the risk page, the forecast and the
// upload page in Dutch in headless Chromium at the width of a phone (390
// px) and of a desktop (1440 px): the page does not scroll sideways, no
// indicator card's value or text spills out of its card, even when the
// value is an amount in the billions, and the title has no empty parts.
// It leaves a screenshot of each page at each width.
func TestBrowserWidths(t *testing.T) {
	chrome := browsertest.RequireChromium(t)
	srv, token, host := startBrowserServer(t, openBrowserTestDB(t), creditflow.RoleAdmin, browserNow)
	const asOf = "?as_of=2025-06-18"
	pages := []struct {
		name, path, ready string
		cards             int
	}{
		{"overview", "/" + asOf, chartsRenderedJS, 8},
		{"risk", "/risk" + asOf, `!!document.querySelector("#risk_scores canvas") && !!document.querySelector("#risk_exposure canvas")`, 4},
		// The forecast reloads itself once its backtest is ready: the test
		// waits for that, so that leaving the page aborts nothing.
		{"forecast", "/forecast" + asOf, `!!document.querySelector("#forecast_band canvas") && !!document.querySelector("#forecast_split canvas") &&
			document.readyState === "complete" && document.getElementById("backtest").dataset.state !== "running"`, 4},
		{"upload", "/upload", `!!document.getElementById("upload-form")`, 0},
	}
	for _, width := range []int{390, 1440} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			ctx, probs := openTab(t, chrome, host, width, 120*time.Second)
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), 900)); err != nil {
				t.Fatal(err)
			}
			// Log in, and choose Dutch with the switch of the top bar.
			logInOnTheWay(t, ctx, srv.URL+"/language?lang=nl&next=/upload", token, chromedp.WaitVisible(chromedp.ID("upload-form")))
			for _, pg := range pages {
				if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+pg.path)); err != nil {
					t.Fatalf("open %s: %v", pg.path, err)
				}
				if err := waitThroughReloads(ctx, pg.ready); err != nil {
					t.Fatalf("%s at %d px did not get ready: %v", pg.name, width, err)
				}
				st, err := chromedp.Run(ctx, chromedp.Evaluate[widthState](readWidthsJS(false)))
				if err != nil {
					t.Fatalf("measure %s: %v", pg.name, err)
				}
				if st.Error != "" {
					t.Errorf("%s shows an error: %s", pg.name, st.Error)
				}
				if st.Lang != "nl" {
					t.Errorf("%s is in %q, want nl", pg.name, st.Lang)
				}
				if st.Cards != pg.cards {
					t.Errorf("%s has %d indicator cards, want %d", pg.name, st.Cards, pg.cards)
				}
				if strings.Contains(st.Title, "·  ·") || strings.HasPrefix(st.Title, " ·") || strings.HasPrefix(st.Title, "·") || !strings.HasSuffix(st.Title, " · creditflow") {
					t.Errorf("%s has the title %q", pg.name, st.Title)
				}
				if st.InnerWidth != width {
					t.Errorf("%s: the window is %d px wide, want %d", pg.name, st.InnerWidth, width)
				}
				if st.ScrollWidth > st.InnerWidth {
					t.Errorf("%s at %d px scrolls sideways: the document is %d px wide; beyond the window: %q", pg.name, width, st.ScrollWidth, st.Wide)
				}
				for _, o := range st.Overflowing {
					t.Errorf("%s at %d px: %s", pg.name, width, o)
				}
				saveScreenshot(t, ctx, fmt.Sprintf("../docs/screenshot-%s-%d.png", pg.name, width))
				// An amount in the billions still fits its card.
				long, err := chromedp.Run(ctx, chromedp.Evaluate[widthState](readWidthsJS(true)))
				if err != nil {
					t.Fatalf("measure %s with long values: %v", pg.name, err)
				}
				for _, o := range long.Overflowing {
					t.Errorf("%s at %d px with a long value: %s", pg.name, width, o)
				}
				if long.ScrollWidth > long.InnerWidth {
					t.Errorf("%s at %d px with long values scrolls sideways: %d px", pg.name, width, long.ScrollWidth)
				}
			}
			for _, p := range probs.Take() {
				t.Errorf("%d px: %s", width, p)
			}
		})
	}
}
