package web_test

import (
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

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
}

var readUnmatchedJS = readPageJS(`(() => {
	const rows = Array.from(document.querySelectorAll("#unmatched tr[data-id]"));
	const withBook = rows.filter((r) => r.querySelector("button.match"));
	const book = withBook.length ? withBook[0].querySelector("button.match") : null;
	const shown = q("h1.pagetitle .currency");
	return {
		rows: rows.length,
		ids: rows.map((r) => r.dataset.id),
		with_book: withBook.length,
		first_book: withBook.length ? withBook[0].dataset.id : "",
		customer: book ? book.dataset.customer : "",
		book_shown: !!book && book.getBoundingClientRect().right <= document.documentElement.clientWidth,
		forms: document.querySelectorAll("#unmatched form.match-form").length,
		shown: shown ? shown.textContent.trim() : "",
	};
})()`)

// TestBrowserUnmatched logs in as a collector on the way to /unmatched in
// headless Chromium, books one transaction with a candidate's button and
// another with the "Other customer" form, and sees each leave the queue of
// the page and of the API, without JavaScript errors.
func TestBrowserUnmatched(t *testing.T) {
	chrome := browsertest.RequireChromium(t)

	srv, token, host := startBrowserServer(t, openUnmatchedTestDB(t), creditflow.RoleCollector, browserNow)
	ctx, probs := openTab(t, chrome, host, 1360, 60*time.Second)

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

	logInOnTheWay(t, ctx, srv.URL+"/unmatched", token, chromedp.WaitVisible(chromedp.CSS(`#unmatched table`)))
	st, err := chromedp.Run(ctx, chromedp.Evaluate[unmatchedState](readUnmatchedJS))
	if err != nil {
		t.Fatalf("read /unmatched: %v", err)
	}
	if st.Error != "" || st.Rows == 0 || st.WithBook == 0 || st.Forms != st.Rows || st.NavActive != "Unmatched" {
		t.Fatalf("/unmatched: %+v; want rows, a Book button on some, a form on each and the active nav Unmatched", st)
	}
	if !st.BookShown {
		t.Error("the first Book button lies beyond the right edge of a 1360 px window: the candidates do not wrap")
	}
	before := queue(t)
	t.Logf("%d transactions waiting, %d on the page, %d with a candidate", before.Total, st.Rows, st.WithBook)
	checkPage(t, st, before)
	for _, p := range probs.Take() {
		t.Errorf("/unmatched: %s", p)
	}
	saveScreenshot(t, ctx, unmatchedScreenshotPath)

	// book clicks submit in the row of transaction id and waits for the
	// reload without that row.
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

	// Another transaction, booked by hand to a customer typed in, with no
	// invoices: the payment goes to the oldest open invoices.
	other := afterCandidate.IDs[0]
	row := `#unmatched tr[data-id=` + jsString(other) + `]`
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(row+` details summary`)),
		chromedp.WaitVisible(chromedp.CSS(row+` input[name="customer_id"]`)),
		chromedp.SendKeys(chromedp.CSS(row+` input[name="customer_id"]`), st.Customer),
	); err != nil {
		t.Fatalf("fill the form of transaction %s: %v", other, err)
	}
	if _, q := book(t, other, `form.match-form button[type="submit"]`); q.Total != before.Total-2 {
		t.Errorf("after booking to another customer, %d waiting, want %d", q.Total, before.Total-2)
	}
}
