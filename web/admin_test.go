package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/store"
)

// addTestUser adds a user to db as the command line does.
func addTestUser(tb testing.TB, db *store.DB, name string, role creditflow.Role, password string) {
	tb.Helper()
	a := app.NewAuth(app.AuthConfig{DB: db, Now: func() time.Time { return apiNow }})
	if _, err := a.AddUser(context.Background(), app.Principal{}, app.NewUser{Name: name, Role: role, Password: password}); err != nil {
		tb.Fatalf("add user %s: %v", name, err)
	}
}

// postLogin posts the login form.
func postLogin(tb testing.TB, base string, form url.Values) apiResponse {
	tb.Helper()
	return do(tb, newRequest(tb, http.MethodPost, base+"/login", "", []byte(form.Encode()), "application/x-www-form-urlencoded"))
}

// loginUser logs in by name and password and returns the session cookie
// and its CSRF token, read from the overview page.
func loginUser(tb testing.TB, base, name, password string) (*http.Cookie, string) {
	tb.Helper()
	resp := postLogin(tb, base, url.Values{"name": {name}, "password": {password}})
	if resp.status != http.StatusSeeOther {
		tb.Fatalf("POST /login as %s: %d, want 303: %s", name, resp.status, resp.body)
	}
	var cookie *http.Cookie
	for _, c := range (&http.Response{Header: resp.header}).Cookies() {
		if c.Name == "creditflow_session" {
			cookie = c
		}
	}
	if cookie == nil {
		tb.Fatalf("POST /login: no session cookie in %q", resp.header.Values("Set-Cookie"))
	}
	return cookie, csrfOf(tb, base, cookie)
}

// csrfOf reads the CSRF token of a session from the overview page.
func csrfOf(tb testing.TB, base string, cookie *http.Cookie) string {
	tb.Helper()
	resp := getPage(tb, base+"/", cookie)
	m := csrfField.FindSubmatch(resp.body)
	if resp.status != http.StatusOK || m == nil {
		tb.Fatalf("GET / with the session cookie: %d, no csrf_token field:\n%s", resp.status, resp.body)
	}
	return string(m[1])
}

// credential is how a request proves who sends it: a bearer token, or a
// session cookie with or without its CSRF token.
type credential struct {
	token  string
	cookie *http.Cookie
	csrf   string
}

// send sends method path with a JSON body (nil for none) and cred.
func (c credential) send(tb testing.TB, method, url string, body any) apiResponse {
	tb.Helper()
	var b []byte
	ct := ""
	if body != nil {
		var err error
		if b, err = json.Marshal(body); err != nil {
			tb.Fatal(err)
		}
		ct = "application/json"
	}
	req := newRequest(tb, method, url, c.token, b, ct)
	if c.cookie != nil {
		req.AddCookie(c.cookie)
	}
	if c.csrf != "" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	return do(tb, req)
}

// TestAdminAPIRoles checks that every admin route answers admins only:
// 401 without credentials, 403 for viewers and collectors, by token and by
// session, and 403 for a session without its CSRF token on changes.
func TestAdminAPIRoles(t *testing.T) {
	db := ledgerTestDB(t)
	srv, tok := serveTestDB(t, db)
	addTestUser(t, db, "carla", creditflow.RoleCollector, "carlaspassword")
	addTestUser(t, db, "anna", creditflow.RoleAdmin, "annaspassword")
	carla, carlaCSRF := loginUser(t, srv.URL, "carla", "carlaspassword")
	anna, annaCSRF := loginUser(t, srv.URL, "anna", "annaspassword")

	routes := []struct {
		method, path string
		body         any
		ok           int
	}{
		{"GET", "/api/admin/users", nil, http.StatusOK},
		{"POST", "/api/admin/users", map[string]string{"name": "dirk", "role": "viewer", "password": "dirkspassword"}, http.StatusCreated},
		{"PATCH", "/api/admin/users/dirk", map[string]string{"role": "collector"}, http.StatusOK},
		{"DELETE", "/api/admin/users/dirk", nil, http.StatusOK},
		{"GET", "/api/admin/tokens", nil, http.StatusOK},
		{"POST", "/api/admin/tokens", map[string]string{"name": "scanner", "role": "viewer"}, http.StatusCreated},
		{"GET", "/api/admin/audit?limit=5", nil, http.StatusOK},
		{"GET", "/api/admin/audit.csv", nil, http.StatusOK},
	}
	refused := []struct {
		name   string
		cred   credential
		status int
	}{
		{"nobody", credential{}, http.StatusUnauthorized},
		{"viewer token", credential{token: tok.viewer}, http.StatusForbidden},
		{"collector token", credential{token: tok.collector}, http.StatusForbidden},
		{"collector session", credential{cookie: carla, csrf: carlaCSRF}, http.StatusForbidden},
	}
	for _, rt := range routes {
		for _, who := range refused {
			t.Run(rt.method+" "+rt.path+" by "+who.name, func(t *testing.T) {
				checkJSONError(t, rt.path, who.cred.send(t, rt.method, srv.URL+rt.path, rt.body), who.status)
			})
		}
		if rt.method != http.MethodGet {
			t.Run(rt.method+" "+rt.path+" by an admin session without CSRF", func(t *testing.T) {
				e := checkJSONError(t, rt.path, credential{cookie: anna}.send(t, rt.method, srv.URL+rt.path, rt.body), http.StatusForbidden)
				if !strings.Contains(e.Error, "CSRF") {
					t.Errorf("error %q does not name the CSRF token", e.Error)
				}
			})
		}
		// The routes in order make, change and remove dirk.
		for _, who := range []struct {
			name string
			cred credential
		}{{"session", credential{cookie: anna, csrf: annaCSRF}}, {"token", credential{token: tok.admin}}} {
			if who.name == "token" && rt.method != http.MethodGet {
				continue
			}
			t.Run(rt.method+" "+rt.path+" by an admin "+who.name, func(t *testing.T) {
				if resp := who.cred.send(t, rt.method, srv.URL+rt.path, rt.body); resp.status != rt.ok {
					t.Errorf("status %d, want %d: %s", resp.status, rt.ok, resp.body)
				}
			})
		}
	}
}

// TestAdminAPI adds, changes and removes a user and creates, uses and
// revokes a token through the admin API, and finds each change in the
// audit log and its CSV export.
func TestAdminAPI(t *testing.T) {
	db := ledgerTestDB(t)
	srv, _ := serveTestDB(t, db)
	addTestUser(t, db, "anna", creditflow.RoleAdmin, "annaspassword")
	cookie, csrf := loginUser(t, srv.URL, "anna", "annaspassword")
	admin := credential{cookie: cookie, csrf: csrf}
	base := srv.URL + "/api/admin"

	resp := admin.send(t, "POST", base+"/users", map[string]string{"name": "Dirk", "role": "viewer", "lang": "nl", "password": "dirkspassword"})
	var u creditflow.User
	if resp.status != http.StatusCreated || json.Unmarshal(resp.body, &u) != nil || u.Name != "Dirk" || u.Lang != "nl" {
		t.Fatalf("add user: %d %s", resp.status, resp.body)
	}
	if bytes.Contains(resp.body, []byte("dirkspassword")) || bytes.Contains(resp.body, []byte("argon2")) {
		t.Errorf("the answer holds the password or its hash: %s", resp.body)
	}
	checkJSONError(t, "add dirk again", admin.send(t, "POST", base+"/users", map[string]string{"name": "dirk", "role": "viewer", "password": "dirkspassword"}), http.StatusConflict)
	checkJSONError(t, "short password", admin.send(t, "POST", base+"/users", map[string]string{"name": "eva", "role": "viewer", "password": "short"}), http.StatusBadRequest)
	checkJSONError(t, "unknown field", admin.send(t, "POST", base+"/users", map[string]string{"name": "eva", "role": "viewer", "password": "evaspassword", "admin": "yes"}), http.StatusBadRequest)
	checkJSONError(t, "anna demotes herself", admin.send(t, "PATCH", base+"/users/anna", map[string]string{"role": "viewer"}), http.StatusConflict)
	checkJSONError(t, "anna removes herself", admin.send(t, "DELETE", base+"/users/anna", nil), http.StatusConflict)
	checkJSONError(t, "change nobody", admin.send(t, "PATCH", base+"/users/nobody", map[string]string{"role": "viewer"}), http.StatusNotFound)

	dirk, _ := loginUser(t, srv.URL, "dirk", "dirkspassword")
	if resp := admin.send(t, "PATCH", base+"/users/dirk", map[string]string{"password": "a new password"}); resp.status != http.StatusOK {
		t.Fatalf("reset dirk's password: %d %s", resp.status, resp.body)
	}
	if resp := getPage(t, srv.URL+"/", dirk); resp.status != http.StatusSeeOther {
		t.Errorf("dirk's page after his password was reset: %d, want 303 to the login page", resp.status)
	}
	if resp := postLogin(t, srv.URL, url.Values{"name": {"dirk"}, "password": {"dirkspassword"}}); resp.status != http.StatusUnauthorized {
		t.Errorf("the old password: %d, want 401", resp.status)
	}
	loginUser(t, srv.URL, "dirk", "a new password")

	var created struct{ ID, Name, Role, Token string }
	resp = admin.send(t, "POST", base+"/tokens", map[string]string{"name": "scanner", "role": "collector"})
	if resp.status != http.StatusCreated || json.Unmarshal(resp.body, &created) != nil || !strings.HasPrefix(created.Token, "cf_"+created.ID+"_") {
		t.Fatalf("create token: %d %s", resp.status, resp.body)
	}
	getJSON(t, srv.URL+"/api/stats", created.Token, nil)
	var tokens struct{ Tokens []creditflow.APIToken }
	if r := admin.send(t, "GET", base+"/tokens", nil); json.Unmarshal(r.body, &tokens) != nil {
		t.Fatalf("tokens: %s", r.body)
	}
	var scanner *creditflow.APIToken
	for i, tk := range tokens.Tokens {
		if tk.ID == created.ID {
			scanner = &tokens.Tokens[i]
		}
	}
	if scanner == nil || scanner.LastUsedAt == nil || !scanner.LastUsedAt.Equal(apiNow) || scanner.RevokedAt != nil {
		t.Errorf("the new token in the list = %+v, want used at %v, not revoked", scanner, apiNow)
	}
	if resp := admin.send(t, "POST", base+"/tokens/"+created.ID+"/revoke", nil); resp.status != http.StatusOK {
		t.Fatalf("revoke: %d %s", resp.status, resp.body)
	}
	checkJSONError(t, "revoked token", do(t, newRequest(t, "GET", srv.URL+"/api/stats", created.Token, nil, "")), http.StatusUnauthorized)
	checkJSONError(t, "revoke twice", admin.send(t, "POST", base+"/tokens/"+created.ID+"/revoke", nil), http.StatusConflict)
	if resp := admin.send(t, "DELETE", base+"/users/dirk", nil); resp.status != http.StatusOK {
		t.Fatalf("remove dirk: %d %s", resp.status, resp.body)
	}

	var page app.AuditPage
	if r := admin.send(t, "GET", base+"/audit?q=user:anna&limit=100", nil); r.status != http.StatusOK || json.Unmarshal(r.body, &page) != nil {
		t.Fatalf("audit: %d %s", r.status, r.body)
	}
	var got []string
	for _, e := range page.Entries {
		got = append(got, e.Action)
	}
	want := []string{"user_remove", "token_revoke", "token_create", "user_password", "user_add", "login"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("anna's audit lines %q, want %q", got, want)
	}
	checkJSONError(t, "bad date", admin.send(t, "GET", base+"/audit?from=yesterday", nil), http.StatusBadRequest)

	resp = admin.send(t, "GET", base+"/audit.csv?action=user_add", nil)
	if resp.status != http.StatusOK || !strings.HasPrefix(resp.header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(resp.header.Get("Content-Disposition"), "audit-2025-03-01.csv") {
		t.Fatalf("audit.csv: %d %q %q", resp.status, resp.header.Get("Content-Type"), resp.header.Get("Content-Disposition"))
	}
	recs, err := csv.NewReader(bytes.NewReader(resp.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// anna and carla by the command line, Dirk by anna.
	if len(recs) != 3 || strings.Join(recs[0], ",") != "id,at,actor,action,detail" || recs[1][2] != "user:anna" || recs[1][3] != "user_add" ||
		recs[1][4] != `{"lang":"nl","name":"Dirk","role":"viewer"}` || recs[2][2] != "cli" {
		t.Errorf("audit.csv of user_add:\n%s", resp.body)
	}
}

// TestSessionsOutliveRestart logs in on one server and uses the session on
// a second one on the same database, as after a restart; logging out
// everywhere there ends every session of the user.
func TestSessionsOutliveRestart(t *testing.T) {
	db := ledgerTestDB(t)
	first := startAPIServer(t, db)
	addTestUser(t, db, "anna", creditflow.RoleAdmin, "annaspassword")
	addTestUser(t, db, "bert", creditflow.RoleViewer, "bertspassword")
	laptop, csrf := loginUser(t, first.URL, "anna", "annaspassword")
	phone, _ := loginUser(t, first.URL, "anna", "annaspassword")
	bert, _ := loginUser(t, first.URL, "bert", "bertspassword")
	first.Close()

	second := startAPIServer(t, db)
	if got := csrfOf(t, second.URL, laptop); got != csrf {
		t.Errorf("CSRF token after the restart %q, want %q", got, csrf)
	}
	resp := credential{cookie: laptop, csrf: csrf}.send(t, "POST", second.URL+"/logout/everywhere", nil)
	if resp.status != http.StatusSeeOther || resp.header.Get("Location") != "/login" {
		t.Fatalf("POST /logout/everywhere: %d to %q, want 303 to /login", resp.status, resp.header.Get("Location"))
	}
	for name, c := range map[string]*http.Cookie{"laptop": laptop, "phone": phone} {
		if resp := getPage(t, second.URL+"/", c); resp.status != http.StatusSeeOther {
			t.Errorf("anna's %s after logging out everywhere: %d, want 303 to the login page", name, resp.status)
		}
	}
	if resp := getPage(t, second.URL+"/", bert); resp.status != http.StatusOK {
		t.Errorf("bert's session after anna logged out everywhere: %d, want 200", resp.status)
	}
}

// TestLoginByName checks the login form: a wrong password and an unknown
// name get the same page, and the token form still logs in.
func TestLoginByName(t *testing.T) {
	db := ledgerTestDB(t)
	srv, tok := serveTestDB(t, db)
	resp := getPage(t, srv.URL+"/login", nil)
	if !bytes.Contains(resp.body, []byte("<details class=\"token-login\" open")) {
		t.Errorf("login page without users: the token form is not open:\n%s", resp.body)
	}
	addTestUser(t, db, "anna", creditflow.RoleViewer, "annaspassword")
	resp = getPage(t, srv.URL+"/login", nil)
	for _, want := range []string{`name="name"`, `name="password"`, `name="token"`, `<details class="token-login">`} {
		if !bytes.Contains(resp.body, []byte(want)) {
			t.Errorf("login page: no %s:\n%s", want, resp.body)
		}
	}
	wrong := postLogin(t, srv.URL, url.Values{"name": {"anna"}, "password": {"wrong password"}})
	unknown := postLogin(t, srv.URL, url.Values{"name": {"nobody"}, "password": {"wrong password"}})
	for _, r := range []apiResponse{wrong, unknown} {
		if r.status != http.StatusUnauthorized || r.header.Get("Set-Cookie") != "" || !bytes.Contains(r.body, []byte("Unknown name or wrong password.")) {
			t.Errorf("failed login: %d, cookie %q:\n%s", r.status, r.header.Get("Set-Cookie"), r.body)
		}
	}
	if resp := postLogin(t, srv.URL, url.Values{"token": {tok.viewer}, "next": {"/risk"}}); resp.status != http.StatusSeeOther || resp.header.Get("Location") != "/risk" {
		t.Errorf("login with a token: %d to %q, want 303 to /risk", resp.status, resp.header.Get("Location"))
	}
	// A credit controller starts the day on the Today page.
	addTestUser(t, db, "carla", creditflow.RoleCollector, "carlaspassword")
	if resp := postLogin(t, srv.URL, url.Values{"name": {"carla"}, "password": {"carlaspassword"}, "next": {"/"}}); resp.header.Get("Location") != "/today" {
		t.Errorf("a collector's login goes to %q, want /today", resp.header.Get("Location"))
	}
}

// TestAdminPage shows the admin page to admins, with the users, the tokens
// and a filtered page of the audit log, and refuses it to the others.
func TestAdminPage(t *testing.T) {
	db := ledgerTestDB(t)
	srv, _ := serveTestDB(t, db)
	addTestUser(t, db, "anna", creditflow.RoleAdmin, "annaspassword")
	addTestUser(t, db, "carla", creditflow.RoleCollector, "carlaspassword")
	anna, _ := loginUser(t, srv.URL, "anna", "annaspassword")
	carla, _ := loginUser(t, srv.URL, "carla", "carlaspassword")

	resp := getPage(t, srv.URL+"/", carla)
	if bytes.Contains(resp.body, []byte(`href="/admin"`)) {
		t.Errorf("a collector's navigation links to the admin page")
	}
	if resp := getPage(t, srv.URL+"/admin", carla); resp.status != http.StatusForbidden {
		t.Errorf("GET /admin as a collector: %d, want 403", resp.status)
	}
	req := newRequest(t, http.MethodGet, srv.URL+"/admin?action=user_add&limit=1", "", nil, "")
	req.AddCookie(anna)
	req.Header.Set("Accept-Language", "en")
	resp = do(t, req)
	if resp.status != http.StatusOK {
		t.Fatalf("GET /admin as an admin: %d:\n%s", resp.status, resp.body)
	}
	for _, want := range []string{`class="active" aria-current="page">Admin</a>`, `data-user="anna"`, `data-user="carla"`, "test collector", "User added",
		"lines 1–1 of 2", `href="/admin?action=user_add&amp;limit=1&amp;offset=1#audit"`, `href="/api/admin/audit.csv?action=user_add"`} {
		if !bytes.Contains(resp.body, []byte(want)) {
			t.Errorf("the admin page has no %s", want)
		}
	}
	for _, bad := range []string{"user_add</td>", "argon2id"} {
		if bytes.Contains(resp.body, []byte(bad)) {
			t.Errorf("the admin page shows %q", bad)
		}
	}
	if resp := getPage(t, srv.URL+"/admin?from=gisteren", anna); resp.status != http.StatusBadRequest {
		t.Errorf("GET /admin with a bad date: %d, want 400", resp.status)
	}
}

// TestPreferredLanguage shows a user's pages in the language they prefer,
// whatever the browser asks for, and keeps the language they switch to as
// their preference.
func TestPreferredLanguage(t *testing.T) {
	db := ledgerTestDB(t)
	srv := startAPIServer(t, db)
	addTestUser(t, db, "anna", creditflow.RoleAdmin, "annaspassword")
	cookie, _ := loginUser(t, srv.URL, "anna", "annaspassword")
	page := func(acceptLanguage string) string {
		req := newRequest(t, http.MethodGet, srv.URL+"/admin", "", nil, "")
		req.AddCookie(cookie)
		req.Header.Set("Accept-Language", acceptLanguage)
		resp := do(t, req)
		if resp.status != http.StatusOK {
			t.Fatalf("GET /admin: %d", resp.status)
		}
		return string(resp.body)
	}
	if body := page("en"); !strings.Contains(body, "<h2>Users</h2>") {
		t.Errorf("no preference, browser English: the page is not in English")
	}
	req := newRequest(t, http.MethodGet, srv.URL+"/language?lang=nl&next=/admin", "", nil, "")
	req.AddCookie(cookie)
	if resp := do(t, req); resp.status != http.StatusSeeOther {
		t.Fatalf("GET /language: %d", resp.status)
	}
	u, err := app.NewAuth(app.AuthConfig{DB: db}).User(context.Background(), "anna")
	if err != nil || u.Lang != "nl" {
		t.Errorf("anna after switching to Dutch = %+v (%v), want the preference nl", u, err)
	}
	// Without the switch's cookie, on another browser that asks for English.
	if body := page("en"); !strings.Contains(body, "<h2>Gebruikers</h2>") {
		t.Errorf("preference Dutch, browser English: the page is not in Dutch")
	}
}
