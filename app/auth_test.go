package app_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/store"
	"github.com/creditflow/creditflow/store/storetest"
)

// authStart is the clock of the auth tests when they begin.
var authStart = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

// testClock is a clock the test moves.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// newAuth is the Auth of db on clock, without the delay of failed logins;
// a second one on the same database is what a restarted server has.
func newAuth(db *store.DB, clock *testClock) *app.Auth {
	return app.NewAuth(app.AuthConfig{DB: db, Now: clock.now, FailDelay: -1})
}

// mustAddUser adds a user by the command line.
func mustAddUser(t *testing.T, a *app.Auth, name string, role creditflow.Role, password string) {
	t.Helper()
	if _, err := a.AddUser(context.Background(), app.Principal{}, app.NewUser{Name: name, Role: role, Password: password}); err != nil {
		t.Fatalf("add user %s: %v", name, err)
	}
}

// mustLogin logs name in and returns the session id.
func mustLogin(t *testing.T, a *app.Auth, name, password string) (string, app.Session) {
	t.Helper()
	id, s, err := a.Login(context.Background(), name, password)
	if err != nil {
		t.Fatalf("log in %s: %v", name, err)
	}
	return id, s
}

// TestLoginAndSessionsSurviveRestart logs a user in, closes the database
// and opens it again with a new Auth, as a restarted server does: the
// session is still there, with its CSRF token, role and last visit.
func TestLoginAndSessionsSurviveRestart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "auth.duckdb")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	clock := &testClock{t: authStart}
	a := newAuth(db, clock)
	mustAddUser(t, a, "Anna", creditflow.RoleCollector, "a long enough password")

	_, first := mustLogin(t, a, "anna", "a long enough password") // names regardless of case
	if first.Name != "Anna" || first.Role != creditflow.RoleCollector || first.Kind != app.PrincipalUser {
		t.Errorf("session = %+v, want Anna, a collector", first.Principal)
	}
	if !first.LastVisit.IsZero() {
		t.Errorf("first login: last visit %v, want none", first.LastVisit)
	}
	clock.advance(3 * time.Hour)
	id, s := mustLogin(t, a, "Anna", "a long enough password")
	if !s.LastVisit.Equal(authStart) {
		t.Errorf("second login: last visit %v, want the first login %v", s.LastVisit, authStart)
	}
	if u, err := a.User(ctx, "anna"); err != nil || u.LastVisitAt == nil || !u.LastVisitAt.Equal(clock.now()) {
		t.Errorf("user after the second login = %+v (%v), want the last visit now", u, err)
	}

	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	clock.advance(time.Minute)
	got, err := newAuth(db, clock).Session(ctx, id)
	if err != nil {
		t.Fatalf("session after the restart: %v", err)
	}
	if got.CSRF != s.CSRF || got.Name != "Anna" || got.Role != creditflow.RoleCollector || !got.LastVisit.Equal(authStart) || !got.CreatedAt.Equal(s.CreatedAt) {
		t.Errorf("session after the restart = %+v, want %+v", got, s)
	}
	if _, err := newAuth(db, clock).Session(ctx, id+"0"); !errors.Is(err, creditflow.ErrUnauthorized) {
		t.Errorf("an unknown session id: %v, want unauthorized", err)
	}
}

// TestLoginFails gives an unknown name and a wrong password the same
// answer, and audits both.
func TestLoginFails(t *testing.T) {
	ctx := context.Background()
	db := storetest.MustOpen(t)
	a := newAuth(db, &testClock{t: authStart})
	mustAddUser(t, a, "piet", creditflow.RoleViewer, "pietspassword")
	_, _, errUnknown := a.Login(ctx, "nobody", "pietspassword")
	_, _, errWrong := a.Login(ctx, "piet", "pietspassword!")
	_, _, errToken := a.LoginToken(ctx, "cf_000000000000_"+"00")
	for _, err := range []error{errUnknown, errWrong, errToken} {
		if !errors.Is(err, creditflow.ErrUnauthorized) {
			t.Errorf("failed login: %v, want unauthorized", err)
		}
	}
	if errUnknown.Error() != errWrong.Error() {
		t.Errorf("unknown name %q and wrong password %q answer differently", errUnknown, errWrong)
	}
	page, err := a.Audit(ctx, app.AuditFilter{Action: "login_failed", Limit: 10}, false)
	if err != nil || page.Total != 3 {
		t.Fatalf("audit of failed logins: %+v (%v), want 3 lines", page, err)
	}
	if got := string(page.Entries[1].Detail); got != `{"name":"piet","with":"password"}` {
		t.Errorf("audit detail of the wrong password %s", got)
	}
}

// TestSessionExpiry checks the sliding end of a session (12 hours after
// the last request, written so that a restart keeps it) and the absolute
// end 7 days after the login.
func TestSessionExpiry(t *testing.T) {
	ctx := context.Background()
	db := storetest.MustOpen(t)
	clock := &testClock{t: authStart}
	a := newAuth(db, clock)
	mustAddUser(t, a, "kees", creditflow.RoleViewer, "keesspassword")
	id, _ := mustLogin(t, a, "kees", "keesspassword")
	alive := func(a *app.Auth) bool {
		_, err := a.Session(ctx, id)
		if err != nil && !errors.Is(err, creditflow.ErrUnauthorized) {
			t.Fatal(err)
		}
		return err == nil
	}
	// Every 11 hours a request: the session lives on, also for a
	// restarted server, until 7 days after the login.
	for clock.now().Add(11 * time.Hour).Before(authStart.Add(app.SessionMaxAge)) {
		clock.advance(11 * time.Hour)
		if !alive(a) || !alive(newAuth(db, clock)) {
			t.Fatalf("session ended at %v, 11 hours after the last request", clock.now())
		}
	}
	clock.t = authStart.Add(app.SessionMaxAge)
	if alive(a) || alive(newAuth(db, clock)) {
		t.Errorf("session alive 7 days after the login")
	}

	id, _ = mustLogin(t, a, "kees", "keesspassword")
	clock.advance(app.SessionIdle - time.Second)
	if !alive(newAuth(db, clock)) {
		t.Errorf("session ended before 12 idle hours")
	}
	clock.advance(app.SessionIdle + time.Second)
	if alive(a) {
		t.Errorf("session alive after 12 idle hours")
	}
}

// TestLogoutEverywhere ends every session of one user, in this process
// and for a restarted one, and leaves the others.
func TestLogoutEverywhere(t *testing.T) {
	ctx := context.Background()
	db := storetest.MustOpen(t)
	clock := &testClock{t: authStart}
	a := newAuth(db, clock)
	mustAddUser(t, a, "anna", creditflow.RoleAdmin, "annaspassword")
	mustAddUser(t, a, "bert", creditflow.RoleViewer, "bertspassword")
	phone, s := mustLogin(t, a, "anna", "annaspassword")
	laptop, _ := mustLogin(t, a, "anna", "annaspassword")
	bert, _ := mustLogin(t, a, "bert", "bertspassword")
	for _, id := range []string{phone, laptop, bert} { // all cached
		if _, err := a.Session(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.LogoutEverywhere(ctx, s.Principal); err != nil {
		t.Fatal(err)
	}
	for _, auth := range []*app.Auth{a, newAuth(db, clock)} {
		for _, id := range []string{phone, laptop} {
			if _, err := auth.Session(ctx, id); !errors.Is(err, creditflow.ErrUnauthorized) {
				t.Errorf("anna's session after logging out everywhere: %v, want unauthorized", err)
			}
		}
		if _, err := auth.Session(ctx, bert); err != nil {
			t.Errorf("bert's session after anna logged out everywhere: %v", err)
		}
	}

	// One logout ends one session.
	phone, s = mustLogin(t, a, "anna", "annaspassword")
	laptop, _ = mustLogin(t, a, "anna", "annaspassword")
	if err := a.Logout(ctx, phone, s.Principal); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Session(ctx, phone); err == nil {
		t.Errorf("session alive after logging out")
	}
	if _, err := a.Session(ctx, laptop); err != nil {
		t.Errorf("the other session after logging out of one: %v", err)
	}
}

// TestUserChanges checks that a change of role shows in the user's
// sessions at once, that a new password set by someone else and a removal
// end them, that names are unique regardless of case and that an admin
// neither demotes nor removes themselves.
func TestUserChanges(t *testing.T) {
	ctx := context.Background()
	db := storetest.MustOpen(t)
	clock := &testClock{t: authStart}
	a := newAuth(db, clock)
	mustAddUser(t, a, "anna", creditflow.RoleAdmin, "annaspassword")
	mustAddUser(t, a, "bert", creditflow.RoleViewer, "bertspassword")
	_, admin := mustLogin(t, a, "anna", "annaspassword")
	id, _ := mustLogin(t, a, "bert", "bertspassword")
	by := admin.Principal

	if _, err := a.AddUser(ctx, by, app.NewUser{Name: " BERT ", Role: creditflow.RoleViewer, Password: "0123456789"}); !errors.Is(err, creditflow.ErrConflict) {
		t.Errorf("adding BERT next to bert: %v, want a conflict", err)
	}
	for _, bad := range []app.NewUser{
		{Name: "", Role: creditflow.RoleViewer, Password: "0123456789"},
		{Name: "c", Role: "boss", Password: "0123456789"},
		{Name: "c", Role: creditflow.RoleViewer, Password: "short"},
		{Name: "c", Role: creditflow.RoleViewer, Lang: "de", Password: "0123456789"},
	} {
		if _, err := a.AddUser(ctx, by, bad); !errors.Is(err, creditflow.ErrInvalid) {
			t.Errorf("AddUser(%+v) = %v, want invalid", bad, err)
		}
	}

	collector, nl := creditflow.RoleCollector, "nl"
	if _, err := a.ChangeUser(ctx, by, "bert", app.UserChange{Role: &collector, Lang: &nl}); err != nil {
		t.Fatal(err)
	}
	if s, err := a.Session(ctx, id); err != nil || s.Role != creditflow.RoleCollector || s.Lang != "nl" {
		t.Errorf("bert's session after the change = %+v (%v), want a collector who reads Dutch", s.Principal, err)
	}
	viewer := creditflow.RoleViewer
	if _, err := a.ChangeUser(ctx, by, "anna", app.UserChange{Role: &viewer}); !errors.Is(err, creditflow.ErrConflict) {
		t.Errorf("anna demoting herself: %v, want a conflict", err)
	}
	if err := a.RemoveUser(ctx, by, "Anna"); !errors.Is(err, creditflow.ErrConflict) {
		t.Errorf("anna removing herself: %v, want a conflict", err)
	}
	if _, err := a.ChangeUser(ctx, by, "nobody", app.UserChange{Role: &viewer}); !errors.Is(err, creditflow.ErrNotFound) {
		t.Errorf("changing nobody: %v, want not found", err)
	}

	password := "a new password"
	if _, err := a.ChangeUser(ctx, by, "bert", app.UserChange{Password: &password}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Session(ctx, id); err == nil {
		t.Errorf("bert's session alive after his password was reset")
	}
	if _, _, err := a.Login(ctx, "bert", "bertspassword"); err == nil {
		t.Errorf("the old password still logs in")
	}
	id, _ = mustLogin(t, a, "bert", password)
	if err := a.RemoveUser(ctx, by, "bert"); err != nil {
		t.Fatal(err)
	}
	if _, err := newAuth(db, clock).Session(ctx, id); err == nil {
		t.Errorf("a removed user's session is alive")
	}
	us, err := a.Users(ctx)
	if err != nil || len(us) != 1 || us[0].Name != "anna" {
		t.Errorf("users = %+v (%v), want anna alone", us, err)
	}

	page, err := a.Audit(ctx, app.AuditFilter{Text: "bert", Limit: 3}, false)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range page.Entries {
		actions = append(actions, e.Action+" by "+e.Actor)
	}
	// Newest first: the removal, the login with the new password, the
	// failed login with the old one.
	want := []string{"user_remove by user:anna", "login by user:bert", "login_failed by anonymous"}
	if page.Total != 8 || len(actions) != 3 || actions[0] != want[0] || actions[1] != want[1] || actions[2] != want[2] {
		t.Errorf("audit lines about bert: %d, first %q; want 8, first %q", page.Total, actions, want)
	}
}

// TestTokenUseAndRevoke checks that using a token records its last use at
// most once a minute, and that revoking it refuses it and ends the
// sessions opened with it.
func TestTokenUseAndRevoke(t *testing.T) {
	ctx := context.Background()
	db := storetest.MustOpen(t)
	clock := &testClock{t: authStart}
	a := newAuth(db, clock)
	token, err := a.CreateToken(ctx, app.Principal{}, creditflow.RoleCollector, "scanner")
	if err != nil {
		t.Fatal(err)
	}
	lastUsed := func() *time.Time {
		t.Helper()
		ts, err := a.Tokens(ctx)
		if err != nil || len(ts) != 1 {
			t.Fatalf("tokens = %+v (%v), want one", ts, err)
		}
		return ts[0].LastUsedAt
	}
	if lastUsed() != nil {
		t.Errorf("a new token was used")
	}
	p, err := a.CheckBearer(ctx, token)
	if err != nil || p.Name != "scanner" || p.Role != creditflow.RoleCollector || p.Kind != app.PrincipalToken {
		t.Fatalf("CheckBearer = %+v (%v)", p, err)
	}
	if got := lastUsed(); got == nil || !got.Equal(authStart) {
		t.Errorf("last used %v, want %v", got, authStart)
	}
	clock.advance(30 * time.Second)
	if _, err := a.CheckBearer(ctx, token); err != nil {
		t.Fatal(err)
	}
	if got := lastUsed(); !got.Equal(authStart) {
		t.Errorf("last used %v after 30 s, want it unwritten (%v)", got, authStart)
	}
	clock.advance(31 * time.Second)
	if _, err := a.CheckBearer(ctx, token); err != nil {
		t.Fatal(err)
	}
	if got := lastUsed(); !got.Equal(clock.now()) {
		t.Errorf("last used %v after 61 s, want %v", got, clock.now())
	}

	clock.advance(time.Hour)
	id, s, err := a.LoginToken(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	if want := authStart.Add(61 * time.Second); !s.LastVisit.Equal(want) {
		t.Errorf("token session's last visit %v, want the token's last use %v", s.LastVisit, want)
	}
	tokenID := s.TokenID
	if err := a.RevokeToken(ctx, app.Principal{Kind: app.PrincipalUser, Name: "anna"}, tokenID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.CheckBearer(ctx, token); !errors.Is(err, creditflow.ErrUnauthorized) {
		t.Errorf("revoked token: %v, want unauthorized", err)
	}
	if _, err := a.Session(ctx, id); !errors.Is(err, creditflow.ErrUnauthorized) {
		t.Errorf("session of a revoked token: %v, want unauthorized", err)
	}
	if err := a.RevokeToken(ctx, app.Principal{}, tokenID); !errors.Is(err, creditflow.ErrConflict) {
		t.Errorf("revoking twice: %v, want a conflict", err)
	}
	if err := a.RevokeToken(ctx, app.Principal{}, "nope"); !errors.Is(err, creditflow.ErrNotFound) {
		t.Errorf("revoking an unknown token: %v, want not found", err)
	}
	ts, _ := a.Tokens(ctx)
	if ts[0].RevokedAt == nil || !ts[0].RevokedAt.Equal(clock.now()) {
		t.Errorf("token after revoking = %+v, want revoked now", ts[0])
	}
	page, err := a.Audit(ctx, app.AuditFilter{Action: "token_revoke", Limit: 5}, false)
	if err != nil || page.Total != 1 || page.Entries[0].Actor != "user:anna" ||
		string(page.Entries[0].Detail) != `{"name":"scanner","role":"collector","token_id":"`+tokenID+`"}` {
		t.Errorf("audit of the revocation = %+v (%v)", page, err)
	}
}

// TestAuditPages pages through the audit log with a filter.
func TestAuditPages(t *testing.T) {
	ctx := context.Background()
	db := storetest.MustOpen(t)
	clock := &testClock{t: authStart}
	a := newAuth(db, clock)
	for _, name := range []string{"one", "two", "three", "four", "five"} {
		clock.advance(time.Hour)
		if _, err := a.CreateToken(ctx, app.Principal{}, creditflow.RoleViewer, name); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name  string
		f     app.AuditFilter
		total int
		first string // the name in the first line's detail
		n     int
	}{
		{"first page", app.AuditFilter{Limit: 2}, 5, "five", 2},
		{"last page", app.AuditFilter{Limit: 2, Offset: 4}, 5, "one", 1},
		{"past the end", app.AuditFilter{Limit: 2, Offset: 6}, 5, "", 0},
		{"text", app.AuditFilter{Text: "THREE", Limit: 10}, 1, "three", 1},
		{"other action", app.AuditFilter{Action: "login", Limit: 10}, 0, "", 0},
		{"from", app.AuditFilter{From: authStart.Add(4 * time.Hour), Limit: 10}, 2, "five", 2},
		{"to", app.AuditFilter{To: authStart.Add(2 * time.Hour), Limit: 10}, 2, "two", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := a.Audit(ctx, tt.f, false)
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != tt.total || len(page.Entries) != tt.n {
				t.Fatalf("total %d, %d lines; want %d, %d", page.Total, len(page.Entries), tt.total, tt.n)
			}
			if tt.n > 0 && !strings.Contains(string(page.Entries[0].Detail), `"name":"`+tt.first+`"`) {
				t.Errorf("first line %s, want %s", page.Entries[0].Detail, tt.first)
			}
		})
	}
	if _, err := a.Audit(ctx, app.AuditFilter{Limit: app.MaxAuditPage + 1}, false); !errors.Is(err, creditflow.ErrInvalid) {
		t.Errorf("a page over the limit: %v, want invalid", err)
	}
	all, err := a.Audit(ctx, app.AuditFilter{}, true)
	if err != nil || len(all.Entries) != 5 {
		t.Errorf("export: %d lines (%v), want 5", len(all.Entries), err)
	}
}

// BenchmarkSession is the session lookup of every dashboard request: from
// the cache, and read from the database as after a restart.
func BenchmarkSession(b *testing.B) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.duckdb"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	clock := &testClock{t: authStart}
	a := app.NewAuth(app.AuthConfig{DB: db, Now: clock.now, FailDelay: -1})
	if _, err := a.AddUser(ctx, app.Principal{}, app.NewUser{Name: "anna", Role: creditflow.RoleViewer, Password: "annaspassword"}); err != nil {
		b.Fatal(err)
	}
	id, _, err := a.Login(ctx, "anna", "annaspassword")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("cached", func(b *testing.B) {
		for b.Loop() {
			if _, err := a.Session(ctx, id); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("database", func(b *testing.B) {
		for b.Loop() {
			if _, err := app.NewAuth(app.AuthConfig{DB: db, Now: clock.now}).Session(ctx, id); err != nil {
				b.Fatal(err)
			}
		}
	})
}
