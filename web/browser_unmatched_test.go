package web_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/bank"
	"github.com/creditflow/creditflow/demo"
	"github.com/creditflow/creditflow/ingest"
	"github.com/creditflow/creditflow/store"
	"github.com/creditflow/creditflow/web/browsertest"
)

// unmatchedScreenshotPath is where the browser test leaves the picture of
// the unmatched-payments queue.
const unmatchedScreenshotPath = "../docs/screenshot-unmatched.png"

// unmatchedPageSize is the number of transactions /unmatched shows at once.
const unmatchedPageSize = 25

// unmatchedThreshold is the matcher's confidence for automatic booking in
// the browser test: high, so that a good number of credits wait for a person.
const unmatchedThreshold = 0.97

// openUnmatchedTestDB returns a DuckDB file loaded with the demo ledger of
// openBrowserTestDB plus three months of bank statements, matched with a
// high threshold so that the queue of /unmatched is not empty.
func openUnmatchedTestDB(tb testing.TB) *store.DB {
	tb.Helper()
	end := time.Date(browserNow.Year(), browserNow.Month(), browserNow.Day(), 0, 0, 0, 0, time.UTC)
	db, res := openDemoDB(tb, demo.Config{Customers: 60, Invoices: 3000, Seed: 1, End: end, Years: 2, Statements: true, StatementMonths: 3},
		ingest.Options{Now: func() time.Time { return browserNow }, Statements: bank.BookStatements, MatchThreshold: unmatchedThreshold}, nil)
	if res.Statements == nil || res.Statements.Unmatched <= 3 {
		tb.Fatalf("statements: %+v; want more than 3 credits left unmatched at threshold %.2f", res.Statements, unmatchedThreshold)
	}
	return db
}

// unmatchedState is what the browser test reads back from /unmatched.
type unmatchedState struct {
	pageState
	Rows      int      `json:"rows"`
	IDs       []string `json:"ids"`
	WithBook  int      `json:"with_book"`
	FirstBook string   `json:"first_book"`
	Customer  string   `json:"customer"`
	BookShown bool     `json:"book_shown"`
	Forms     int      `json:"forms"`
	Shown     string   `json:"shown"`
	// RuleContrast is the least contrast of the text of a rule's badge
	// with its background.
	RuleContrast float64 `json:"rule_contrast"`
}

var readUnmatchedJS = readPageJS(`(() => {
	const rows = Array.from(document.querySelectorAll("#unmatched tr[data-id]"));
	const withBook = rows.filter((r) => r.querySelector("button.match"));
	const book = withBook.length ? withBook[0].querySelector("button.match") : null;
	const shown = q("h1.pagetitle .currency");
	const rgb = (c) => c.match(/[0-9.]+/g).slice(0, 3).map(Number);
	const lum = (c) => {
		const [r, g, b] = rgb(c).map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
		return 0.2126 * r + 0.7152 * g + 0.0722 * b;
	};
	let least = 21;
	document.querySelectorAll("#unmatched .badge").forEach((b) => {
		const st = getComputedStyle(b);
		const a = lum(st.color), c = lum(st.backgroundColor);
		least = Math.min(least, (Math.max(a, c) + 0.05) / (Math.min(a, c) + 0.05));
	});
	const r = book ? book.getBoundingClientRect() : null;
	return {
		rows: rows.length,
		ids: rows.map((r) => r.dataset.id),
		with_book: withBook.length,
		first_book: withBook.length ? withBook[0].dataset.id : "",
		customer: book ? book.dataset.customer : "",
		book_shown: !!r && r.left >= 0 && r.right <= document.documentElement.clientWidth,
		forms: document.querySelectorAll("#unmatched form.match-form").length,
		shown: shown ? shown.textContent.trim() : "",
		rule_contrast: least,
	};
})()`)

// TestBrowserUnmatched logs in as a collector on the way to /unmatched in
// headless Chromium, at a desktop's width and at a phone's, books one
// transaction with a candidate's button and another with the "Other
// customer" form, on a customer chosen by name from the suggestions with
// the keyboard, and sees each leave the queue of the page and of the API,
// without JavaScript errors; the booking by hand is audited and shows in
// the customer's dossier.
func TestBrowserUnmatched(t *testing.T) {
	chrome := browsertest.RequireChromium(t)
	db := openUnmatchedTestDB(t)
	srv, token, host := startBrowserServer(t, db, creditflow.RoleCollector, browserNow)

	// queue reads the queue through the API, the way a script would, and
	// checks that the ledger's stats count the same.
	queue := func(t *testing.T) unmatchedAnswer {
		t.Helper()
		var page unmatchedAnswer
		getJSON(t, srv.URL+"/api/unmatched?limit=500", token, &page)
		if st := ledgerStats(t, srv.URL, token); st.Unmatched != page.Total {
			t.Errorf("GET /api/stats counts %d unmatched, GET /api/unmatched %d", st.Unmatched, page.Total)
		}
		return page
	}
	// checkPage compares the page with the queue of the API: the first page
	// of it, and the count in the title.
	checkPage := func(t *testing.T, st unmatchedState, q unmatchedAnswer) {
		t.Helper()
		if want := min(unmatchedPageSize, int(q.Total)); st.Rows != want {
			t.Errorf("%d rows, want %d (the first page of %d waiting)", st.Rows, want, q.Total)
		}
		if want := fmt.Sprintf("1–%d of %d", st.Rows, q.Total); st.Shown != want {
			t.Errorf("title shows %q, want %q", st.Shown, want)
		}
		for i, id := range st.IDs {
			if i < len(q.Items) && id != strconv.FormatInt(q.Items[i].ID, 10) {
				t.Errorf("row %d is transaction %s, the API's item %d is %d", i, id, i, q.Items[i].ID)
				break
			}
		}
	}

	// The customer to choose by name: one that is no candidate of the
	// first page, found by a word of its name typed in lower case.
	var customers searchAnswer
	getJSON(t, srv.URL+"/api/search?kind=customer&limit=100&q=a", token, &customers)
	if len(customers.Results) < 2 {
		t.Fatalf("customers with an a: %+v", customers)
	}
	chosen := customers.Results[len(customers.Results)-1]
	words := strings.Fields(chosen.Label)
	typed := strings.ToLower(words[0])
	t.Logf("choosing %s (%s) by typing %q", chosen.Label, chosen.CustomerID, typed)

	for _, width := range []int{1360, 390} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			ctx, probs := openTab(t, chrome, host, width, 90*time.Second)
			logInOnTheWay(t, ctx, srv.URL+"/unmatched", token, chromedp.WaitVisible(chromedp.CSS(`#unmatched table`)))
			st, err := chromedp.Run(ctx, chromedp.Evaluate[unmatchedState](readUnmatchedJS))
			if err != nil {
				t.Fatalf("read /unmatched: %v", err)
			}
			if st.Error != "" || st.Rows == 0 || st.WithBook == 0 || st.Forms != st.Rows {
				t.Fatalf("/unmatched: %+v; want rows, a Book button on some and a form on each", st)
			}
			if width > 700 && st.NavActive != "Unmatched" {
				t.Errorf("the active link of the navigation is %q, want Unmatched", st.NavActive)
			}
			if !st.BookShown {
				t.Errorf("the first Book button lies beyond the edge of a %d px window", width)
			}
			if st.RuleContrast < 4.5 {
				t.Errorf("a badge's text has a contrast of %.2f with its background, want at least 4.5 (WCAG AA)", st.RuleContrast)
			}
			if over, err := browsertest.HorizontalOverflow(ctx); err != nil || over > 0 {
				wide, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](tooWideJS))
				t.Errorf("/unmatched is %d px wider than the %d px window (%v): %q", over, width, err, wide)
			}
			before := queue(t)
			t.Logf("%d transactions waiting, %d on the page, %d with a candidate", before.Total, st.Rows, st.WithBook)
			checkPage(t, st, before)
			for _, p := range probs.Take() {
				t.Errorf("/unmatched: %s", p)
			}
			shot := unmatchedScreenshotPath
			if width < 700 {
				shot = "../docs/screenshot-unmatched-390.png"
			}
			saveScreenshot(t, ctx, shot)

			// book clicks submit in the row of transaction id and waits for
			// the reload without that row.
			book := func(t *testing.T, id, submit string) (unmatchedState, unmatchedAnswer) {
				t.Helper()
				row := `#unmatched tr[data-id=` + jsString(id) + `]`
				gone := `!!document.getElementById("unmatched") && !document.querySelector(` + jsString(row) + `)`
				if err := clickAndWaitForReload(ctx, row+" "+submit, gone); err != nil {
					t.Fatalf("book transaction %s: it did not leave the queue: %v", id, err)
				}
				after, err := chromedp.Run(ctx, chromedp.Evaluate[unmatchedState](readUnmatchedJS))
				if err != nil {
					t.Fatalf("read /unmatched after booking %s: %v", id, err)
				}
				q := queue(t)
				checkPage(t, after, q)
				if slices.ContainsFunc(q.Items, func(u bank.UnmatchedTransaction) bool { return strconv.FormatInt(u.ID, 10) == id }) {
					t.Errorf("GET /api/unmatched still lists transaction %s", id)
				}
				for _, p := range probs.Take() {
					t.Errorf("/unmatched after booking %s: %s", id, p)
				}
				return after, q
			}

			// The first candidate of the first row that has one, as proposed.
			afterCandidate, q := book(t, st.FirstBook, `button.match`)
			if got := q.Total; got != before.Total-1 {
				t.Errorf("after booking the candidate, %d waiting, want %d", got, before.Total-1)
			}
			if afterCandidate.Rows == 0 {
				t.Fatalf("no row left for the other customer's form: %+v", afterCandidate)
			}

			// Another transaction, booked by hand to a customer chosen by
			// name with the keyboard, with no invoices: the payment goes to
			// the oldest open invoices.
			other := afterCandidate.IDs[0]
			var tx bank.UnmatchedTransaction
			for _, u := range q.Items {
				if strconv.FormatInt(u.ID, 10) == other {
					tx = u
				}
			}
			row := `#unmatched tr[data-id=` + jsString(other) + `]`
			picker := row + ` form.match-form [data-combobox]`
			if err := chromedp.Do(ctx,
				chromedp.Click(chromedp.CSS(row+` details summary`)),
				chromedp.WaitVisible(chromedp.CSS(picker)),
				chromedp.Focus(chromedp.CSS(picker)),
				chromedp.KeyEvent(typed),
			); err != nil {
				t.Fatalf("type into the picker of transaction %s: %v", other, err)
			}
			options := `Array.from(document.querySelectorAll(` + jsString(row+` [role=option]`) + `)).map((o) => o.querySelector(".label").textContent)`
			// The suggestions of the whole text, not of the letters typed
			// before a pause.
			list := `document.querySelector(` + jsString(row+` [role=listbox]`) + `)`
			if _, err := chromedp.Run(ctx, chromedp.Poll[bool](list+`.dataset.query === `+jsString(typed)+` && `+options+`.length > 0`,
				chromedp.WithPollingTimeout(10*time.Second), chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
				t.Fatalf("no suggestions for %q: %v", typed, err)
			}
			labels, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](options))
			if err != nil {
				t.Fatal(err)
			}
			at := slices.Index(labels, chosen.Label)
			if at < 0 {
				t.Fatalf("the suggestions for %q are %q, without %s", typed, labels, chosen.Label)
			}
			for range at + 1 {
				if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowDown)); err != nil {
					t.Fatal(err)
				}
			}
			if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
				t.Fatal(err)
			}
			picked, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[document.querySelector(`+jsString(row+` input[name=customer_id]`)+`).value,
				document.querySelector(`+jsString(picker)+`).value, location.pathname]`))
			if err != nil {
				t.Fatal(err)
			}
			if picked[0] != chosen.CustomerID || picked[1] != chosen.Label || picked[2] != "/unmatched" {
				t.Fatalf("after choosing %s: customer_id %q, box %q, at %s; want %s, %s, /unmatched (Enter must not book)",
					chosen.Label, picked[0], picked[1], picked[2], chosen.CustomerID, chosen.Label)
			}
			// The form with its customer chosen, checked as it stands.
			checkAxe(t, ctx, "/unmatched with a customer chosen")
			if _, q := book(t, other, `form.match-form button[type="submit"]`); q.Total != before.Total-2 {
				t.Errorf("after booking to another customer, %d waiting, want %d", q.Total, before.Total-2)
			}

			// The booking by hand is audited, and the payment is in the
			// customer's dossier.
			var audited int
			if err := db.QueryRow(`SELECT count(*) FROM audit_log WHERE actor = 'api:browser test'
				AND json_extract(detail, '$.bank_transaction')::BIGINT = ? AND json_extract_string(detail, '$.customer_id') = ?`,
				tx.ID, chosen.CustomerID).Scan(&audited); err != nil || audited != 1 {
				t.Errorf("audit of transaction %d booked to %s: %d entries (%v), want 1", tx.ID, chosen.CustomerID, audited, err)
			}
			var dossier struct {
				Entries []struct {
					Date   string            `json:"date"`
					Kind   string            `json:"kind"`
					Amount *creditflow.Money `json:"amount"`
				} `json:"entries"`
			}
			getJSON(t, srv.URL+"/api/customers/"+url.PathEscape(chosen.CustomerID)+"/dossier?limit=500", token, &dossier)
			found := false
			for _, e := range dossier.Entries {
				if e.Kind == "payment" && e.Amount != nil && *e.Amount == tx.Amount {
					found = true
				}
			}
			if !found {
				t.Errorf("the dossier of %s has no payment of %v after the booking: %+v", chosen.CustomerID, tx.Amount, dossier.Entries)
			}
		})
	}
}

// checkAxe runs axe-core on the page in the tab as it stands, when `make
// assets` installed it, and fails the test on each serious or critical
// violation of WCAG 2.1 AA; without axe-core it only logs.
func checkAxe(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	axe, err := os.ReadFile(filepath.Join("assets", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		t.Logf("%s: not checked with axe-core (%v); run `make assets`", what, err)
		return
	}
	vs, err := browsertest.Axe(ctx, string(axe))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	for _, v := range vs {
		t.Errorf("%s: %s", what, v)
	}
}
