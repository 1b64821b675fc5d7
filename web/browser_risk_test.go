package web_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/web/browsertest"
)

// The screenshots of the payment-risk pages that the README shows.
const (
	riskScreenshotPath     = "../docs/screenshot-risk.png"
	customerScreenshotPath = "../docs/screenshot-customer.png"
)

// riskChartsJS is true when the echarts instances of the given element ids
// exist, hold the given number of series and have drawn into their canvas.
func riskChartsJS(series map[string]int) string {
	var checks []string
	for id, n := range series {
		checks = append(checks, `(() => {
	const el = document.getElementById(`+jsString(id)+`);
	const c = el && window.echarts && echarts.getInstanceByDom(el);
	if (!c) { return false; }
	const o = c.getOption();
	return !!o && Array.isArray(o.series) && o.series.length === `+strconv.Itoa(n)+` && el.querySelector("canvas") !== null;
})()`)
	}
	return strings.Join(checks, " && ")
}

// riskPageState is what the test reads back from the risk overview.
type riskPageState struct {
	pageState
	Rows      int    `json:"rows"`
	FirstLink string `json:"first_link"`
	Alerts    int    `json:"alerts"`
	Bars      int    `json:"bars"`
	Bins      int    `json:"bins"`
}

var readRiskJS = readPageJS(`(() => {
	const first = q('#risky-customers tbody a[href^="/customers/"]');
	return {
		rows: document.querySelectorAll("#risky-customers tbody tr").length,
		first_link: first ? first.getAttribute("href") : "",
		alerts: document.querySelectorAll("#alerts tbody tr").length,
		bars: echarts.getInstanceByDom(document.getElementById("risk_history")).getOption().xAxis[0].data.length,
		bins: echarts.getInstanceByDom(document.getElementById("risk_scores")).getOption().xAxis[0].data.length,
	};
})()`)

// customerPageState is what the test reads back from a customer page.
type customerPageState struct {
	pageState
	Title     string `json:"title"`
	Reasons   int    `json:"reasons"`
	Features  int    `json:"features"`
	Items     int    `json:"items"`
	Points    int    `json:"points"`
	MarkLines int    `json:"mark_lines"`
	Change    bool   `json:"change"`
	Dossier   int    `json:"dossier"`
	Status    string `json:"status"`
}

var readCustomerJS = readPageJS(`(() => {
	const o = echarts.getInstanceByDom(document.getElementById("customer_delays")).getOption();
	const ml = o.series[0].markLine;
	return {
		title: q(".pagetitle") ? q(".pagetitle").textContent.trim() : "",
		reasons: document.querySelectorAll("#reasons li").length,
		features: document.querySelectorAll("#features tbody tr").length,
		items: document.querySelectorAll("#open-items tbody tr").length,
		points: o.series[0].data.length + o.series[1].data.length,
		mark_lines: ml && ml.data ? ml.data.length : 0,
		change: q("#change") !== null,
		dossier: document.querySelectorAll("#dossier tbody tr").length,
		status: q("#dunning-status") ? q("#dunning-status").textContent.trim() : "",
	};
})()`)

// TestBrowserRisk logs in on the way to the risk overview in headless
// Chromium, follows a customer link, checks that both pages draw their
// charts without errors, and saves their screenshots for the README.
func TestBrowserRisk(t *testing.T) {
	chrome := browsertest.RequireChromium(t)

	srv, token, host := startBrowserServer(t, openRiskTestDB(t), creditflow.RoleViewer, riskNow)

	// The customer for the screenshot: the one with the largest exposure
	// among the newest worsening alerts, so that the picture shows a
	// change with the average delay before and after it.
	var alerts alertsAnswer
	getJSON(t, srv.URL+"/api/alerts?since=2024-06-30", token, &alerts)
	shown := ""
	for _, a := range alerts.Alerts {
		if a.Kind == "worsening" {
			shown = a.CustomerID
			break
		}
	}
	if shown == "" {
		t.Fatal("no worsening customer in the demo ledger")
	}

	ctx, probs := openTab(t, chrome, host, 1360, 90*time.Second)

	// /risk needs a session: log in on the way.
	logInOnTheWay(t, ctx, srv.URL+"/risk", token, chromedp.WaitVisible(chromedp.ID("kpi-exposure")))
	wantLocation(t, ctx, srv.URL+"/risk")
	// The first view shows the scores of the day at once and says that
	// the classes over time and the alerts are being computed (nothing
	// asked for the month-ends before); the page reloads itself once they
	// are there.
	pending, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("computing") !== null && document.getElementById("risk_history") === null && document.getElementById("risk_scores") !== null`))
	if err != nil || !pending {
		t.Fatalf("the first view of /risk does not show the scores of the day with the rest being computed (%v)", err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.beforeReload = true`)); err != nil {
		t.Fatal(err)
	}
	filled := `!window.beforeReload && document.readyState === "complete" && document.getElementById("computing") === null && ` +
		riskChartsJS(map[string]int{"risk_scores": 5, "risk_history": 5, "risk_exposure": 1})
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](filled)); err == nil && ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the risk page did not fill in its classes over time and alerts")
		}
	}
	st := readPage[riskPageState](t, ctx, readRiskJS, "/risk")
	for _, id := range []string{"kpi-exposure", "kpi-risky", "kpi-changes", "kpi-overlimit"} {
		if v := st.Cards[id]; v == "" || strings.Contains(v, "–") {
			t.Errorf("card %s shows %q", id, v)
		}
	}
	if st.Rows != 20 || !strings.HasPrefix(st.FirstLink, "/customers/") || st.Bars != 6 || st.Bins != 10 || st.NavActive != "Payment risk" {
		t.Errorf("/risk: %d customer rows, first link %q, %d history bars, %d score bins, active nav %q; want 20, a customer page, 6, 10, Payment risk",
			st.Rows, st.FirstLink, st.Bars, st.Bins, st.NavActive)
	}
	for _, p := range probs.Take() {
		t.Errorf("/risk: %s", p)
	}
	saveScreenshot(t, ctx, riskScreenshotPath)

	// The first customer link opens its page.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#risky-customers tbody a[href^="/customers/"]`)),
		chromedp.WaitVisible(chromedp.ID("kpi-plate")),
	); err != nil {
		t.Fatalf("follow a customer link: %v", err)
	}
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); loc != srv.URL+st.FirstLink {
		t.Errorf("the customer link went to %s, want %s", loc, srv.URL+st.FirstLink)
	}
	customerCharts := riskChartsJS(map[string]int{"customer_delays": 2, "customer_limit": 3})
	if err := waitForCharts(ctx, customerCharts); err != nil {
		t.Fatalf("customer charts did not render: %v", err)
	}
	for _, p := range probs.Take() {
		t.Errorf("%s: %s", st.FirstLink, p)
	}

	// openCustomer opens the page of customer id and waits for its charts.
	openCustomer := func(id string) {
		t.Helper()
		if err := chromedp.Do(ctx,
			chromedp.Navigate(srv.URL+"/customers/"+url.PathEscape(id)+"?as_of="+riskAsOf),
			chromedp.WaitVisible(chromedp.ID("kpi-plate")),
		); err != nil {
			t.Fatalf("open customer %s: %v", id, err)
		}
		if err := waitForCharts(ctx, customerCharts); err != nil {
			t.Fatalf("charts of %s did not render: %v", id, err)
		}
	}

	// The customer with a change, for the screenshot.
	openCustomer(shown)
	cs, err := chromedp.Run(ctx, chromedp.Evaluate[customerPageState](readCustomerJS))
	if err != nil {
		t.Fatalf("read the customer page: %v", err)
	}
	if cs.Error != "" || !strings.Contains(cs.Title, shown) || cs.Features == 0 || cs.Points == 0 || !cs.Change || cs.MarkLines < 4 {
		t.Errorf("customer %s: %+v; want a title with its id, features, delay points, the change box, and mark lines for the due date, the change and the delays before and after it", shown, cs)
	}
	if cs.Dossier == 0 || cs.Dossier > 30 || cs.Status == "" {
		t.Errorf("customer %s: %d dossier entries, dunning status %q; want 1 to 30 entries and a status", shown, cs.Dossier, cs.Status)
	}
	for _, p := range probs.Take() {
		t.Errorf("customer %s: %s", shown, p)
	}
	saveScreenshot(t, ctx, customerScreenshotPath)

	// The nasty customer's page draws too: its invoice numbers stay text.
	openCustomer(nastyCustomer)
	for _, p := range probs.Take() {
		t.Errorf("customer %s: %s", nastyCustomer, p)
	}
}
