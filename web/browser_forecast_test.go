package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/web/browsertest"
)

// forecastScreenshotPath is the screenshot of the cash forecast that the
// README shows.
const forecastScreenshotPath = "../docs/screenshot-forecast.png"

// forecastPageState is what the test reads back from /forecast.
type forecastPageState struct {
	pageState
	Weeks     int    `json:"weeks"`
	BandWeeks int    `json:"band_weeks"`
	BandBase  bool   `json:"band_base"` // the p10 series is stacked under the band and drawn transparent
	Customers int    `json:"customers"`
	Backtest  string `json:"backtest"`
	Figures   int    `json:"figures"`
}

var readForecastJS = readPageJS(`(() => {
	const band = echarts.getInstanceByDom(document.getElementById("forecast_band")).getOption();
	const base = band.series[0], upper = band.series[1];
	return {
		weeks: document.querySelectorAll("#weeks tbody tr").length,
		band_weeks: band.xAxis[0].data.length,
		band_base: base.stack === "band" && upper.stack === "band" && base.areaStyle && base.areaStyle.color === "transparent",
		customers: document.querySelectorAll("#cash-customers tbody tr").length,
		backtest: q("#backtest").dataset.state,
		figures: document.querySelectorAll("#backtest tbody td").length,
	};
})()`)

// TestBrowserForecast logs in on the way to the cash forecast in headless
// Chromium, checks that its charts draw without errors, follows the nav
// from the risk page to it, and saves its screenshot for the README.
func TestBrowserForecast(t *testing.T) {
	chrome := browsertest.RequireChromium(t)

	srv, token, host := startBrowserServer(t, openRiskTestDB(t), creditflow.RoleViewer, riskNow)
	ctx, probs := openTab(t, chrome, host, 1360, 90*time.Second)

	// /forecast needs a session: log in on the way.
	logInOnTheWay(t, ctx, srv.URL+"/forecast?as_of="+riskAsOf, token, chromedp.WaitVisible(chromedp.ID("kpi-expected")))
	wantLocation(t, ctx, srv.URL+"/forecast?as_of="+riskAsOf)
	// The backtest fills in when ready: the page reloads itself.
	charts := riskChartsJS(map[string]int{"forecast_band": 4, "forecast_split": 2})
	done := `document.readyState === "complete" && document.getElementById("backtest").dataset.state !== "running" && ` + charts
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](done)); err == nil && ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the forecast page did not draw its charts and fill in its backtest")
		}
	}
	st := readPage[forecastPageState](t, ctx, readForecastJS, "/forecast")
	for _, id := range []string{"kpi-expected", "kpi-soon", "kpi-open", "kpi-new"} {
		if v := st.Cards[id]; !strings.HasPrefix(v, "EUR ") {
			t.Errorf("card %s shows %q, want an amount", id, v)
		}
	}
	if st.Weeks != 13 || st.BandWeeks != 13 || !st.BandBase || st.Customers == 0 || st.NavActive != "Cash forecast" {
		t.Errorf("/forecast: %d week rows, %d weeks in the band chart, band stacked on a transparent p10 %v, %d customers, active nav %q; want 13, 13, true, some, Cash forecast",
			st.Weeks, st.BandWeeks, st.BandBase, st.Customers, st.NavActive)
	}
	if st.Backtest != "ready" || st.Figures != 9 {
		t.Errorf("backtest panel in state %q with %d figures, want ready with 9", st.Backtest, st.Figures)
	}
	saveScreenshot(t, ctx, forecastScreenshotPath)

	// The band chart's tooltip turns the stacked band back into p90.
	tip, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
	const el = document.getElementById("forecast_band");
	echarts.getInstanceByDom(el).dispatchAction({type: "showTip", seriesIndex: 2, dataIndex: 3});
	return el.innerText;
})()`))
	if err != nil || !strings.Contains(tip, "Expected: EUR ") || !strings.Contains(tip, "80% band: EUR ") {
		t.Errorf("band chart tooltip %q (%v), want the expected cash and the band in EUR", tip, err)
	}
	for _, p := range probs.Take() {
		t.Errorf("/forecast: %s", p)
	}

	// The nav of the risk page leads to the forecast of its date.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/risk?as_of=2025-05-31"),
		chromedp.WaitVisible(chromedp.ID("kpi-exposure")),
		chromedp.Click(chromedp.CSS(`.nav a[href^="/forecast"]`)),
		chromedp.WaitVisible(chromedp.ID("kpi-expected")),
	); err != nil {
		t.Fatalf("follow the nav from /risk to the forecast: %v", err)
	}
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); loc != srv.URL+"/forecast?as_of=2025-05-31" {
		t.Errorf("the nav link went to %s, want the forecast of 2025-05-31", loc)
	}
	if err := waitForCharts(ctx, charts); err != nil {
		t.Fatalf("forecast charts of 2025-05-31 did not render: %v", err)
	}
	for _, p := range probs.Take() {
		t.Errorf("/forecast?as_of=2025-05-31: %s", p)
	}
}
