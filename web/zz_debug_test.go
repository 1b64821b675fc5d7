package web_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/web/browsertest"
)

func TestZZDebugWide(t *testing.T) {
	chrome := browsertest.RequireChromium(t)
	srv, token, host := startBrowserServer(t, openUnmatchedTestDB(t), creditflow.RoleCollector, browserNow)
	ctx, _ := openTab(t, chrome, host, 390, 60*time.Second)
	logInOnTheWay(t, ctx, srv.URL+"/unmatched", token, chromedp.WaitVisible(chromedp.ID("search-q")))
	for _, p := range []string{"/unmatched", "/", "/search?q=a"} {
		chromedp.Do(ctx, chromedp.Navigate(srv.URL+p), chromedp.WaitVisible(chromedp.ID("search-q")))
		wide, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](tooWideJS))
		sw, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		iw, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`window.innerWidth`))
		t.Logf("%s: scroll %d inner %d: %v %v", p, sw, iw, wide, err)
	}
}
