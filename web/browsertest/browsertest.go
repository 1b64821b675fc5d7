package browsertest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// FindChromium returns the path of a Chromium or Chrome binary, or "".
func FindChromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// RequireChromium returns the browser to run, or skips the test with a clear
// message when there is none, except under CI=true, where it fails.
func RequireChromium(t testing.TB) string {
	t.Helper()
	chrome := FindChromium()
	if chrome == "" {
		msg := "no Chromium or Chrome found (looked for chromium, chromium-browser, google-chrome in PATH); install the chromium package to run the browser test"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return chrome
}

// NewTab starts headless Chromium with the flags this closed network
// needs and a fresh profile, and opens a tab whose problems (exceptions,
// console errors, failed requests, requests leaving host) are collected.
// The browser ends with ctx or at the test's end.
func NewTab(t testing.TB, ctx context.Context, chrome, host string, width int) (context.Context, *Problems) {
	t.Helper()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chrome),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
		chromedp.WindowSize(width, 900),
		chromedp.UserDataDir(t.TempDir()),
	)
	probs := &Problems{host: host, urls: map[network.RequestID]string{}}
	tab, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithListener(probs.listen))
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})
	// A headless window is at least 500 px wide; the viewport of a phone
	// is narrower, so it is set on the page itself.
	if _, err := chromedp.Run(tab, chromedp.EmulateViewport(int64(width), 900)); err != nil {
		t.Fatalf("browser: set the viewport to %d px: %v", width, err)
	}
	return tab, probs
}

// Problems collects what must not happen on a page: JavaScript
// exceptions, console errors, browser log errors, failed requests and
// requests that leave the test server.
type Problems struct {
	mu       sync.Mutex
	host     string
	urls     map[network.RequestID]string
	problems []string
}

func (p *Problems) add(format string, args ...any) {
	p.problems = append(p.problems, fmt.Sprintf(format, args...))
}

// listen runs inside chromedp's event loop: it only records.
func (p *Problems) listen(ev any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		p.add("JavaScript exception at %s:%d: %s", d.URL, d.LineNumber+1, msg)
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var parts []string
			for _, a := range ev.Args {
				if a.Description != "" {
					parts = append(parts, a.Description)
				} else {
					parts = append(parts, string(a.Value))
				}
			}
			p.add("console.%s: %s", ev.Type, strings.Join(parts, " "))
		}
	case *log.EventEntryAdded:
		if ev.Entry != nil && ev.Entry.Level == log.EntryLevelError && !isFavicon(ev.Entry.URL) {
			p.add("browser log error: %s (%s)", ev.Entry.Text, ev.Entry.URL)
		}
	case *network.EventRequestWillBeSent:
		u := ev.Request.URL
		p.urls[ev.RequestID] = u
		if !p.local(u) {
			p.add("request to another host: %s", u)
		}
	case *network.EventResponseReceived:
		if ev.Response.Status >= 400 && !isFavicon(ev.Response.URL) {
			p.add("HTTP %d for %s", ev.Response.Status, ev.Response.URL)
		}
	case *network.EventLoadingFailed:
		if u := p.urls[ev.RequestID]; !isFavicon(u) && !(ev.Canceled && isReadyWait(u)) {
			p.add("request failed: %s: %s", u, ev.ErrorText)
		}
	}
}

// isReadyWait reports whether u is a page's wait for its slow part
// (/risk/ready, /forecast/ready): leaving the page before it is ready
// cancels the wait, which is no failure of the page.
func isReadyWait(u string) bool {
	p, err := url.Parse(u)
	return err == nil && strings.HasSuffix(p.Path, "/ready")
}

// isFavicon reports whether u is the icon that Chromium asks for on pages
// without an icon link, such as the login page. The service has none, and
// its 404 says nothing about the page.
func isFavicon(u string) bool {
	p, err := url.Parse(u)
	return err == nil && p.Path == "/favicon.ico"
}

// local reports whether a URL stays on the test server (or inside the page).
func (p *Problems) local(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "data", "blob", "about":
		return true
	}
	return u.Host == p.host
}

// Take returns the problems collected so far and forgets them.
func (p *Problems) Take() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.problems
	p.problems = nil
	return out
}
