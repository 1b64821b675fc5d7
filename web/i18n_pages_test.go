package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestPagesLanguage checks that the pages speak the language the browser
// prefers, that the switch in the top bar overrides it, and that an
// unknown address gets a page that leads back instead of a bare 404.
func TestPagesLanguage(t *testing.T) {
	db := ledgerTestDB(t)
	srv, tokens := serveTestDB(t, db)
	cookie, _ := loginSession(t, srv.URL, tokens.viewer)

	get := func(t *testing.T, path, acceptLanguage string, extra ...*http.Cookie) apiResponse {
		t.Helper()
		req := newRequest(t, http.MethodGet, srv.URL+path, "", nil, "")
		req.AddCookie(cookie)
		for _, c := range extra {
			req.AddCookie(c)
		}
		if acceptLanguage != "" {
			req.Header.Set("Accept-Language", acceptLanguage)
		}
		return do(t, req)
	}
	tests := []struct {
		name, path, accept string
		cookie             *http.Cookie
		status             int
		want, notWant      []string
	}{
		{name: "dutch browser", path: "/worklist?as_of=2025-03-01", accept: "nl-NL,nl;q=0.9,en;q=0.8", status: http.StatusOK,
			want:    []string{`<html lang="nl">`, ">Werklijst</a>", "Peildatum", "1 maart 2025", ">Uitloggen<"},
			notWant: []string{">Worklist</a>", "Log out"}},
		{name: "english browser", path: "/worklist?as_of=2025-03-01", accept: "en-GB,en;q=0.9,nl;q=0.5", status: http.StatusOK,
			want:    []string{`<html lang="en">`, ">Worklist</a>", "1 March 2025", ">Log out<"},
			notWant: []string{">Werklijst</a>"}},
		{name: "chosen english over a dutch browser", path: "/worklist?as_of=2025-03-01", accept: "nl",
			cookie: &http.Cookie{Name: "creditflow_lang", Value: "en"}, status: http.StatusOK,
			want: []string{`<html lang="en">`, ">Worklist</a>"}},
		{name: "bad date in dutch", path: "/risk?as_of=1-3-2025", accept: "nl", status: http.StatusBadRequest,
			want: []string{"is geen datum", "JJJJ-MM-DD"}},
		{name: "not found in dutch", path: "/no/such/page", accept: "nl", status: http.StatusNotFound,
			want: []string{"Pagina niet gevonden", `href="/"`}},
		{name: "not found in english", path: "/no/such/page", accept: "en", status: http.StatusNotFound,
			want: []string{"Page not found", "Go to the overview"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var extra []*http.Cookie
			if tc.cookie != nil {
				extra = append(extra, tc.cookie)
			}
			resp := get(t, tc.path, tc.accept, extra...)
			if resp.status != tc.status {
				t.Fatalf("GET %s: %d, want %d", tc.path, resp.status, tc.status)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(resp.body), w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(string(resp.body), w) {
					t.Errorf("page has %q", w)
				}
			}
		})
	}

	t.Run("switch", func(t *testing.T) {
		resp := get(t, "/language?lang=nl&next=/risk%3Fas_of%3D2025-03-01", "en")
		if resp.status != http.StatusSeeOther || resp.header.Get("Location") != "/risk?as_of=2025-03-01" {
			t.Fatalf("GET /language: %d to %q, want 303 to /risk?as_of=2025-03-01", resp.status, resp.header.Get("Location"))
		}
		var chosen *http.Cookie
		for _, c := range (&http.Response{Header: resp.header}).Cookies() {
			if c.Name == "creditflow_lang" {
				chosen = c
			}
		}
		if chosen == nil || chosen.Value != "nl" {
			t.Fatalf("GET /language: cookies %q, want creditflow_lang=nl", resp.header.Values("Set-Cookie"))
		}
		if resp := get(t, "/language?lang=de&next=/", "en"); resp.status != http.StatusBadRequest {
			t.Errorf("GET /language?lang=de: %d, want 400", resp.status)
		}
		if resp := get(t, "/language?lang=nl&next=https://evil.example/", "en"); resp.header.Get("Location") != "/" {
			t.Errorf("GET /language with an outside next goes to %q, want /", resp.header.Get("Location"))
		}
	})
}
