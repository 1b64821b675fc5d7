package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/web/browsertest"
)

// suggestionsState is what the browser test reads back from the search
// box of the top bar.
type suggestionsState struct {
	Expanded   string   `json:"expanded"`
	Active     string   `json:"active"`
	ActiveText string   `json:"active_text"`
	Options    []string `json:"options"`
	Selected   int      `json:"selected"`
	Focused    bool     `json:"focused"`
	ScrollW    int      `json:"scroll_width"`
	ListRight  float64  `json:"list_right"`
	// Query is what the suggestions shown are of.
	Query string `json:"query"`
}

const readSuggestionsJS = `(() => {
	const input = document.getElementById("search-q");
	const list = document.getElementById("search-q-list");
	const active = input.getAttribute("aria-activedescendant") || "";
	const el = active ? document.getElementById(active) : null;
	return {
		expanded: input.getAttribute("aria-expanded"),
		active: active,
		active_text: el ? el.querySelector(".label, .all") ? el.textContent.trim() : el.textContent.trim() : "",
		options: list.hidden ? [] : Array.from(list.querySelectorAll("[role=option]")).map((o) => o.textContent.trim()),
		selected: list.querySelectorAll("[role=option][aria-selected=true]").length,
		focused: document.activeElement === input,
		scroll_width: document.documentElement.scrollWidth,
		list_right: list.hidden ? 0 : list.getBoundingClientRect().right,
		query: list.dataset.query || "",
	};
})()`

// TestBrowserSearch types part of a customer's name into the search box
// of the top bar at 1440 and at 390 px, with the keyboard alone: the
// suggestions open as a listbox, the arrow keys move through them, Escape
// closes them, and Enter on the customer opens its page. Enter without
// choosing opens the page of all matches.
func TestBrowserSearch(t *testing.T) {
	chrome := browsertest.RequireChromium(t)
	db := openUnmatchedTestDB(t)
	srv, token, host := startBrowserServer(t, db, creditflow.RoleViewer, browserNow)

	// A customer of the demo ledger, by a part of its name that is not its
	// start, typed in capitals.
	var ans searchAnswer
	getJSON(t, srv.URL+"/api/search?kind=customer&limit=100&q=b", token, &ans)
	if len(ans.Results) == 0 {
		t.Fatal("no customer with a b in its name")
	}
	name, id := ans.Results[0].Label, ans.Results[0].CustomerID
	words := strings.Fields(name)
	typed := strings.ToUpper(words[len(words)-1])
	if len(words) > 1 {
		typed = strings.ToUpper(words[1])
	}
	t.Logf("looking for %s (%s) by typing %q", name, id, typed)

	for _, width := range []int{1440, 390} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			ctx, probs := openTab(t, chrome, host, width, 90*time.Second)
			logInOnTheWay(t, ctx, srv.URL+"/search", token, chromedp.WaitVisible(chromedp.ID("search-q")))

			read := func(what string) suggestionsState {
				t.Helper()
				st, err := chromedp.Run(ctx, chromedp.Evaluate[suggestionsState](readSuggestionsJS))
				if err != nil {
					t.Fatalf("read the search box %s: %v", what, err)
				}
				return st
			}
			// waitFor polls until cond on the box holds.
			waitFor := func(what, cond string) {
				t.Helper()
				if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`(() => { const st = `+readSuggestionsJS+`; return `+cond+`; })()`,
					chromedp.WithPollingTimeout(10*time.Second), chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
					t.Fatalf("%s: %v; the box: %+v", what, err, read(what))
				}
			}
			key := func(k string) {
				t.Helper()
				if err := chromedp.Do(ctx, chromedp.KeyEvent(k)); err != nil {
					t.Fatalf("press %q: %v", k, err)
				}
			}

			// Only the keyboard: Tab to the box when it is in the tab order
			// (the menu folds the navigation away on a phone), then type.
			if err := chromedp.Do(ctx, chromedp.Focus(chromedp.ID("search-q"))); err != nil {
				t.Fatal(err)
			}
			key(typed)
			// The suggestions of the whole text, not of the letters typed
			// before a pause.
			whole := `st.expanded === "true" && st.options.length > 1 && st.query === ` + jsString(typed)
			waitFor("suggestions after typing", whole)
			st := read("after typing")
			if st.Selected != 0 || st.Active != "" || !st.Focused {
				t.Errorf("after typing: %+v; want the focus in the box and no suggestion chosen yet", st)
			}
			if !strings.Contains(st.Options[len(st.Options)-1], typed) {
				t.Errorf("the last suggestion is %q, want the one to all matches for %q", st.Options[len(st.Options)-1], typed)
			}
			if st.ScrollW > width {
				t.Errorf("with the suggestions open the page is %d px wide in a %d px window", st.ScrollW, width)
			}
			if st.ListRight > float64(width)+0.5 {
				t.Errorf("the suggestions end at %.0f px, beyond the %d px window", st.ListRight, width)
			}
			saveScreenshot(t, ctx, fmt.Sprintf("../docs/screenshot-search-%d.png", width))
			checkAxe(t, ctx, "the suggestions")

			// Down to the customer, past the others; Up and Down wrap.
			want := -1
			for i, o := range st.Options {
				if strings.HasPrefix(o, name) {
					want = i
					break
				}
			}
			if want < 0 {
				t.Fatalf("no suggestion of %s among %q", name, st.Options)
			}
			key(kb.ArrowUp)
			if st := read("after Up"); st.Active == "" || st.ActiveText != st.Options[len(st.Options)-1] || st.Selected != 1 {
				t.Errorf("Up from the box: %+v; want the last suggestion chosen", st)
			}
			key(kb.ArrowDown) // wraps to the first
			for range want {
				key(kb.ArrowDown)
			}
			if st := read("after Down"); !strings.HasPrefix(st.ActiveText, name) || st.Selected != 1 {
				t.Errorf("after %d × Down: %+v; want %s chosen", want+1, st, name)
			}
			key(kb.Escape)
			if st := read("after Escape"); st.Expanded != "false" || st.Active != "" || !st.Focused {
				t.Errorf("after Escape: %+v; want the list closed and the focus in the box", st)
			}
			key(kb.ArrowDown)
			waitFor("open again with Down", `st.expanded === "true"`)
			for range want + 1 {
				key(kb.ArrowDown)
			}
			if st := read("before Enter"); !strings.HasPrefix(st.ActiveText, name) {
				t.Fatalf("before Enter: %+v; want %s chosen", st, name)
			}
			key(kb.Enter)
			wantPath := "/customers/" + url.PathEscape(id)
			if err := waitAfterNavigation(ctx, `location.pathname === `+jsString(wantPath)); err != nil {
				loc, _ := chromedp.Run(ctx, chromedp.Location())
				t.Fatalf("Enter on %s: at %s, want %s: %v", name, loc, wantPath, err)
			}
			if title, _ := chromedp.Run(ctx, chromedp.Title()); !strings.HasPrefix(title, name) {
				t.Errorf("the customer page's title is %q, want it to begin with %q", title, name)
			}

			// Enter without choosing: the page of all matches.
			if err := chromedp.Do(ctx, chromedp.Focus(chromedp.ID("search-q"))); err != nil {
				t.Fatal(err)
			}
			key(typed)
			waitFor("suggestions on the customer page", whole)
			key(kb.Enter)
			if err := waitAfterNavigation(ctx, `location.pathname === "/search" && !!document.querySelector(".search-results")`); err != nil {
				loc, _ := chromedp.Run(ctx, chromedp.Location())
				t.Fatalf("Enter without choosing: at %s, want /search: %v", loc, err)
			}
			page, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
				Groups  []string `json:"groups"`
				First   string   `json:"first"`
				ScrollW int      `json:"scroll_width"`
			}](`({
				groups: Array.from(document.querySelectorAll(".search-group")).map((g) => g.id),
				first: (document.querySelector("#found-customer .search-results a") || {}).textContent || "",
				scroll_width: document.documentElement.scrollWidth,
			})`))
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Groups) == 0 || page.Groups[0] != "found-customer" || page.First == "" {
				t.Errorf("/search?q=%s: %+v; want the customers first", typed, page)
			}
			if page.ScrollW > width {
				t.Errorf("/search is %d px wide in a %d px window", page.ScrollW, width)
			}
			saveScreenshot(t, ctx, fmt.Sprintf("../docs/screenshot-search-page-%d.png", width))
			checkAxe(t, ctx, "/search")
			for _, p := range probs.Take() {
				t.Error(p)
			}
		})
	}
}

// waitAfterNavigation waits until the page the tab goes to is complete and
// the JavaScript condition cond holds on it; an evaluation that meets the
// navigation fails and is tried again until a deadline.
func waitAfterNavigation(ctx context.Context, cond string) error {
	deadline := time.Now().Add(20 * time.Second)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.readyState === "complete" && (`+cond+`)`))
		if err == nil && ok {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("waited 20 s for %s: %v", cond, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
