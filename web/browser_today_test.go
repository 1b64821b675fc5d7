package web_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/creditflow/creditflow/web/browsertest"
)

// todayState is what the browser test reads back from /today.
type todayState struct {
	pageState
	Location    string   `json:"location"`
	ScrollWidth int      `json:"scroll_width"`
	Width       int      `json:"width"`
	Panels      []string `json:"panels"`
	Customers   int      `json:"customers"`
	Stacked     bool     `json:"stacked"` // the tables' heads are hidden: rows are cards
	Over        int      `json:"over"`
	Wide        []string `json:"wide"` // elements wider than the window
}

var readTodayJS = readPageJS(`(() => {
	const w = document.documentElement.clientWidth;
	const head = q("#promises table thead");
	return {
		location: location.pathname,
		scroll_width: document.documentElement.scrollWidth,
		width: w,
		panels: Array.from(document.querySelectorAll(".today-grid > .panel")).map((p) => p.id),
		customers: document.querySelectorAll('.today-grid a[href^="/customers/"]').length,
		stacked: !!head && head.getBoundingClientRect().height <= 1,
		over: document.querySelectorAll("#owners tr.over-capacity").length,
		wide: Array.from(document.querySelectorAll("main *")).filter((e) => e.getBoundingClientRect().right > w + 1)
			.slice(0, 5).map((e) => e.tagName + "." + e.className),
	};
})()`)

// TestBrowserToday logs a collector in on the day ledger in headless
// Chromium at the width of a phone and of a desktop, sees the login land
// on the Today page, and checks that every block is there, that the page
// does not scroll sideways (on the phone the tables become lists) and
// that nothing goes wrong in the browser; it leaves a screenshot of each.
func TestBrowserToday(t *testing.T) {
	chrome := browsertest.RequireChromium(t)
	srv, _, anna := serveTodayLedger(t)
	host := srv.Listener.Addr().String()

	for _, width := range []int{390, 1440} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			ctx, probs := openTab(t, chrome, host, width, 60*time.Second)
			logInOnTheWay(t, ctx, srv.URL+"/", anna, chromedp.WaitVisible(chromedp.ID("owners")))
			st := readPage[todayState](t, ctx, readTodayJS, "/today")
			if st.Location != "/today" || st.NavActive != "Today" {
				t.Errorf("after login at %s (active nav %q), want /today", st.Location, st.NavActive)
			}
			if want := []string{"promises", "alerts", "bank", "owners", "letters"}; fmt.Sprint(st.Panels) != fmt.Sprint(want) {
				t.Errorf("blocks %v, want %v", st.Panels, want)
			}
			// Pelikaan, Pauw, Stil, Kraai, Kievit, Eland.
			if st.Customers != 6 {
				t.Errorf("%d customer links, want 6", st.Customers)
			}
			if st.Over != 1 {
				t.Errorf("%d owners over capacity, want 1", st.Over)
			}
			if st.ScrollWidth > st.Width {
				t.Errorf("the page scrolls sideways: %d px wide in a window of %d; too wide: %v", st.ScrollWidth, st.Width, st.Wide)
			}
			if phone := width < 700; st.Stacked != phone {
				t.Errorf("tables stacked as lists: %v, want %v at %d px", st.Stacked, phone, width)
			}
			for _, id := range []string{"kpi-due", "kpi-broken", "kpi-alerts", "kpi-waiting", "kpi-letters"} {
				if st.Cards[id] == "" {
					t.Errorf("card %s is missing", id)
				}
			}
			for _, p := range probs.Take() {
				t.Errorf("/today: %s", p)
			}
			saveScreenshot(t, ctx, fmt.Sprintf("../docs/screenshot-today-%d.png", width))
		})
	}
}
