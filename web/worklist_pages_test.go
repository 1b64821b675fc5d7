package web_test

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/web/browsertest"
)

// worklistScreenshotPath is where the browser test leaves the picture of
// the worklist.
const worklistScreenshotPath = "../docs/screenshot-worklist.png"

// worklistRowCustomer finds the customers of the worklist's rows.
var worklistRowCustomer = regexp.MustCompile(`<tr data-customer="([^"]+)">`)

// worklistCustomers lists the customers of the rows of a worklist page.
func worklistCustomers(body []byte) []string {
	var ids []string
	for _, m := range worklistRowCustomer.FindAllSubmatch(body, -1) {
		ids = append(ids, string(m[1]))
	}
	return ids
}

// TestWorklistPage renders /worklist on the small ledger of the API tests.
// On 2025-03-01 C1 (b2b, retail) has the second reminder due by email and
// C2 (b2c, consumer) the formal reminder (aanmaning) by letter, its 14-day
// letter having run out.
func TestWorklistPage(t *testing.T) {
	db := ledgerTestDB(t)
	sendFourteenDayLetter(t, db)
	srv, tok := serveTestDB(t, db)

	get := func(t *testing.T, cookie *http.Cookie, path string) apiResponse {
		t.Helper()
		return getPage(t, srv.URL+path, cookie)
	}

	t.Run("requires login", func(t *testing.T) {
		resp := get(t, nil, "/worklist?as_of=2025-03-01")
		if resp.status != http.StatusSeeOther || !strings.HasPrefix(resp.header.Get("Location"), "/login?next=") {
			t.Errorf("GET /worklist without a session: %d to %q, want 303 to the login page", resp.status, resp.header.Get("Location"))
		}
	})

	viewer, _ := loginSession(t, srv.URL, tok.viewer)
	t.Run("filters", func(t *testing.T) {
		cases := []struct {
			name, query string
			want        []string
		}{
			{"all", "", []string{"C2", "C1"}},
			{"step", "&step=aanmaning", []string{"C2"}},
			{"segment", "&segment=retail", []string{"C1"}},
			{"channel", "&channel=email", []string{"C1"}},
			{"no match", "&channel=phone", nil},
			{"step and segment", "&step=aanmaning&segment=retail", nil},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				resp := get(t, viewer, "/worklist?as_of=2025-03-01"+c.query)
				if resp.status != http.StatusOK {
					t.Fatalf("status %d: %s", resp.status, resp.body)
				}
				got := worklistCustomers(resp.body)
				slices.Sort(got)
				want := slices.Clone(c.want)
				slices.Sort(want)
				if !slices.Equal(got, want) {
					t.Errorf("rows %v, want %v", got, want)
				}
				if len(want) == 0 && !strings.Contains(string(resp.body), "No dunning tasks due with these filters") {
					t.Errorf("no rows, but no message saying so")
				}
			})
		}
	})

	t.Run("content", func(t *testing.T) {
		resp := get(t, viewer, "/worklist?as_of=2025-03-01")
		body := string(resp.body)
		for _, want := range []string{
			"Collection worklist on 1 March 2025",
			`class="active" aria-current="page">Worklist</a>`,
			"<span class=\"tagline\">Collection worklist</span>",
			`href="/customers/C1?as_of=2025-03-01"`,
			"second reminder with statement",
			"formal demand (aanmaning)",
			"30.50", "80.25",
			`id="kpi-tasks"`, `id="kpi-overdue"`, `id="kpi-calls"`, `id="kpi-cash"`,
			"EUR 110.75",
			"0 / 40",
			"All collectors",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		if strings.Contains(body, "action-form") {
			t.Error("a viewer sees the forms that record actions")
		}
		if got := worklistCustomers(resp.body); len(got) != 2 || got[0] != "C2" {
			t.Errorf("rows %v: want C2 (larger priority) first", got)
		}
		if resp := get(t, viewer, "/worklist?as_of=2025-02-30"); resp.status != http.StatusBadRequest || !strings.Contains(string(resp.body), "is not a date") {
			t.Errorf("bad as_of: %d", resp.status)
		}
	})

	collector, csrf := loginSession(t, srv.URL, tok.collector)
	t.Run("collector records a promise", func(t *testing.T) {
		resp := get(t, collector, "/worklist?as_of=2025-03-01")
		body := string(resp.body)
		if n := strings.Count(body, `<form class="action-form"`); n != 2 {
			t.Errorf("%d action forms for the collector, want 2", n)
		}
		if !strings.Contains(body, `data-customer="C1" data-step="second_reminder" data-phone="false" data-invoices="I2"`) {
			t.Error("the form of C1 does not carry its step and overdue invoice (for a dispute)")
		}
		if !strings.Contains(body, `data-csrf="`+csrf+`"`) {
			t.Error("the page does not carry the session's CSRF token")
		}
		post := func(csrfHeader, body string) apiResponse {
			t.Helper()
			req := newRequest(t, http.MethodPost, srv.URL+"/api/actions", "", []byte(body), "application/json")
			req.AddCookie(collector)
			if csrfHeader != "" {
				req.Header.Set("X-CSRF-Token", csrfHeader)
			}
			return do(t, req)
		}
		promise := `{"customer_id":"C2","type":"promise_to_pay","promise_date":"2025-03-10","amount":"80.25","note":"pays next week"}`
		checkJSONError(t, "without CSRF", post("", promise), http.StatusForbidden)
		checkJSONError(t, "wrong CSRF", post("nope", promise), http.StatusForbidden)
		if resp := post(csrf, promise); resp.status != http.StatusCreated {
			t.Fatalf("POST /api/actions with the session: %d: %s", resp.status, resp.body)
		}
		resp = get(t, collector, "/worklist?as_of=2025-03-01")
		if got := worklistCustomers(resp.body); !slices.Equal(got, []string{"C1"}) {
			t.Errorf("after the promise, rows %v, want [C1]", got)
		}
		if !strings.Contains(string(resp.body), "1 promised to pay") {
			t.Error("the page does not count the promise among the customers without a task")
		}

		// A viewer's session may not record.
		req := newRequest(t, http.MethodPost, srv.URL+"/api/actions", "", []byte(promise), "application/json")
		req.AddCookie(viewer)
		_, viewerCSRF := loginSession(t, srv.URL, tok.viewer)
		req.Header.Set("X-CSRF-Token", viewerCSRF)
		if resp := do(t, req); resp.status != http.StatusForbidden {
			t.Errorf("viewer POST /api/actions: %d, want 403", resp.status)
		}
	})
}

// worklistState is what the browser test reads back from /worklist.
type worklistState struct {
	pageState
	Rows  int    `json:"rows"`
	First string `json:"first"`
	Forms int    `json:"forms"`
}

var readWorklistJS = readPageJS(`(() => {
	const first = q("#worklist tbody tr");
	return {
		rows: document.querySelectorAll("#worklist tbody tr").length,
		first: first ? first.dataset.customer : "",
		forms: document.querySelectorAll("form.action-form").length,
	};
})()`)

// TestBrowserWorklist logs in as a collector on the way to /worklist in
// headless Chromium, records a promise to pay for the first task from the
// page and sees the task leave the list, without JavaScript errors.
func TestBrowserWorklist(t *testing.T) {
	chrome := browsertest.RequireChromium(t)

	srv, token, host := startBrowserServer(t, openBrowserTestDB(t), creditflow.RoleCollector, browserNow)
	ctx, probs := openTab(t, chrome, host, 1360, 90*time.Second)

	logInOnTheWay(t, ctx, srv.URL+"/worklist", token, chromedp.WaitVisible(chromedp.ID("kpi-tasks")))
	st, err := chromedp.Run(ctx, chromedp.Evaluate[worklistState](readWorklistJS))
	if err != nil {
		t.Fatalf("read /worklist: %v", err)
	}
	if st.Error != "" || st.Rows == 0 || st.Forms != st.Rows || st.NavActive != "Worklist" {
		t.Fatalf("/worklist: %+v; want tasks, a form on each and the active nav Worklist", st)
	}
	for _, id := range []string{"kpi-tasks", "kpi-overdue", "kpi-calls", "kpi-cash"} {
		if v := st.Cards[id]; v == "" || strings.Contains(v, "–") {
			t.Errorf("card %s shows %q", id, v)
		}
	}
	for _, p := range probs.Take() {
		t.Errorf("/worklist: %s", p)
	}

	// Record a promise to pay for the first task, as a collector would. It
	// names no amount, so it covers all the customer's invoices (one with an
	// amount would take only the invoices it pays in full off the list).
	promiseDate := browserNow.AddDate(0, 0, 7).Format("2006-01-02")
	row := `#worklist tbody tr[data-customer=` + jsString(st.First) + `]`
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(row+` details summary`)),
		chromedp.WaitVisible(chromedp.CSS(row+` select[name="type"]`)),
		chromedp.SetValue(chromedp.CSS(row+` select[name="type"]`), "promise_to_pay"),
		chromedp.SetValue(chromedp.CSS(row+` input[name="promise_date"]`), promiseDate),
		chromedp.SendKeys(chromedp.CSS(row+` input[name="note"]`), "promised on the phone"),
	); err != nil {
		t.Fatalf("fill the form of %s: %v", st.First, err)
	}
	// The picture shows the table from its first column, the form open.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { document.querySelector("#worklist .tablewrap").scrollLeft = 0; window.scrollTo(0, 0); return true; })()`)); err != nil {
		t.Fatal(err)
	}
	saveScreenshot(t, ctx, worklistScreenshotPath)
	// The page reloads after the action, without the task.
	gone := `!!document.getElementById("kpi-tasks") && !document.querySelector(` + jsString(row) + `)`
	if err := clickAndWaitForReload(ctx, row+` form.action-form button[type="submit"]`, gone); err != nil {
		t.Fatalf("submit the form of %s: the task did not leave the list: %v", st.First, err)
	}
	after, err := chromedp.Run(ctx, chromedp.Evaluate[worklistState](readWorklistJS))
	if err != nil {
		t.Fatalf("read /worklist after the promise: %v", err)
	}
	if after.Rows != st.Rows-1 {
		t.Errorf("after the promise %d rows, want %d", after.Rows, st.Rows-1)
	}
	for _, p := range probs.Take() {
		t.Errorf("/worklist after the promise: %s", p)
	}
}
