// Package browsertest opens pages in headless Chromium for the tests of
// the dashboards and the weekly report, and collects what must not happen
// on them: JavaScript errors, failed requests and requests leaving the
// page's host (the service works offline).
//
// It may import chromedp and the standard library; only tests import it.
package browsertest
