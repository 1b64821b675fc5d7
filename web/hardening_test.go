package web_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestEveryAnswerBounded checks the headers every answer carries, that the
// static files list no directory, and that a body over the cap of forms
// and JSON is refused before a handler reads it, with or without a length.
func TestEveryAnswerBounded(t *testing.T) {
	db := ledgerTestDB(t)
	srv, tokens := serveTestDB(t, db)
	cookie, _ := loginSession(t, srv.URL, tokens.viewer)

	t.Run("headers", func(t *testing.T) {
		for _, path := range []string{"/api/health", "/login", "/no/such/page"} {
			resp := getPage(t, srv.URL+path, nil)
			if got := resp.header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("%s: X-Content-Type-Options %q, want nosniff", path, got)
			}
			if got := resp.header.Get("Cache-Control"); got != "no-store" {
				t.Errorf("%s: Cache-Control %q, want no-store", path, got)
			}
		}
		resp := getPage(t, srv.URL+"/worklist", cookie)
		if csp := resp.header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("/worklist: Content-Security-Policy %q lacks frame-ancestors 'none'", csp)
		}
		if resp := getPage(t, srv.URL+"/static/app.css", nil); resp.status != http.StatusOK || resp.header.Get("Cache-Control") == "no-store" {
			t.Errorf("/static/app.css: %d, Cache-Control %q; want 200 and cacheable", resp.status, resp.header.Get("Cache-Control"))
		}
	})

	t.Run("no listing of static files", func(t *testing.T) {
		if resp := getPage(t, srv.URL+"/static/", nil); resp.status != http.StatusNotFound || bytes.Contains(resp.body, []byte("app.css")) {
			t.Errorf("/static/: %d, want 404 without a list of files:\n%s", resp.status, resp.body)
		}
	})

	big := strings.Repeat("x", 2<<20)
	t.Run("body with its length", func(t *testing.T) {
		req := newRequest(t, http.MethodPost, srv.URL+"/login", "", []byte("token="+big), "application/x-www-form-urlencoded")
		if resp := do(t, req); resp.status != http.StatusRequestEntityTooLarge {
			t.Errorf("POST /login with 2 MiB: %d, want 413", resp.status)
		}
	})
	t.Run("body without its length", func(t *testing.T) {
		req := newRequest(t, http.MethodPost, srv.URL+"/api/actions", tokens.collector, nil, "application/json")
		req.Body = io.NopCloser(strings.NewReader(`{"customer_id": "` + big + `"}`))
		req.ContentLength = -1 // sent chunked
		resp := do(t, req)
		if resp.status < 400 || resp.status >= 500 || !bytes.Contains(resp.body, []byte("too large")) {
			t.Errorf("POST /api/actions with 2 MiB chunked: %d, want a 4xx that says the body is too large: %.300s", resp.status, resp.body)
		}
	})
}
