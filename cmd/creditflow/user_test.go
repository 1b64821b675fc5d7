package main

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// noEnv is an environment without variables.
var noEnv = envOf(nil)

// TestUserCommands adds, lists, changes and removes a user with the
// password from $CREDITFLOW_PASSWORD, never from a flag.
func TestUserCommands(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "users.duckdb")
	withPassword := func(pw string) func(string) string {
		return envOf(map[string]string{"CREDITFLOW_PASSWORD": pw})
	}
	out := mustRunCLI(t, withPassword("annaspassword"), "user", "add", "anna", "--db", dbPath, "--role", "admin", "--lang", "nl")
	if out != "added anna (admin)\n" {
		t.Errorf("user add printed %q", out)
	}
	mustRunCLI(t, withPassword("bertspassword"), "user", "add", "--db", dbPath, "bert")
	out = mustRunCLI(t, noEnv, "user", "list", "--db", dbPath)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !regexp.MustCompile(`^anna\s+admin\s+nl\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+-$`).MatchString(lines[1]) ||
		!regexp.MustCompile(`^bert\s+viewer\s+browser\s`).MatchString(lines[2]) {
		t.Errorf("user list:\n%s", out)
	}
	if strings.Contains(out, "argon2") || strings.Contains(out, "password") {
		t.Errorf("user list shows a password or its hash:\n%s", out)
	}
	out = mustRunCLI(t, noEnv, "user", "list", "--db", dbPath, "--json")
	if !strings.Contains(out, `"name": "bert"`) || strings.Contains(out, "argon2") {
		t.Errorf("user list --json:\n%s", out)
	}
	mustRunCLI(t, withPassword("a new password"), "user", "passwd", "bert", "--db", dbPath)
	mustRunCLI(t, noEnv, "user", "remove", "bert", "--db", dbPath)
	if out := mustRunCLI(t, noEnv, "user", "list", "--db", dbPath); strings.Contains(out, "bert") {
		t.Errorf("bert is listed after his removal:\n%s", out)
	}

	for _, tt := range []struct {
		name string
		env  func(string) string
		args []string
		want []string
	}{
		{"no name", withPassword("0123456789"), []string{"user", "add", "--db", dbPath}, []string{"NAME"}},
		{"bad role", withPassword("0123456789"), []string{"user", "add", "eva", "--db", dbPath, "--role", "boss"}, []string{"boss"}},
		{"short password", withPassword("short"), []string{"user", "add", "eva", "--db", dbPath}, []string{"10 characters"}},
		{"taken name", withPassword("0123456789"), []string{"user", "add", "ANNA", "--db", dbPath}, []string{"anna", "already"}},
		{"password flag", withPassword("0123456789"), []string{"user", "add", "eva", "--db", dbPath, "--password", "x"}, []string{"password"}},
		{"unknown user", withPassword("0123456789"), []string{"user", "passwd", "nobody", "--db", dbPath}, []string{"nobody"}},
		{"remove nobody", noEnv, []string{"user", "remove", "nobody", "--db", dbPath}, []string{"nobody"}},
		{"no subcommand", noEnv, []string{"user"}, []string{"user add NAME"}},
	} {
		t.Run(tt.name, func(t *testing.T) { wantCLIError(t, tt.env, tt.args, tt.want...) })
	}
}

// TestTokenCommands creates, lists and revokes a token.
func TestTokenCommands(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "tokens.duckdb")
	token := strings.TrimSpace(mustRunCLI(t, noEnv, "token", "create", "--db", dbPath, "--role", "collector", "--name", "scanner"))
	id := strings.Split(token, "_")[1]
	out := mustRunCLI(t, noEnv, "token", "list", "--db", dbPath)
	if !regexp.MustCompile(`(?m)^` + id + `\s+scanner\s+collector\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+-\s+-$`).MatchString(out) {
		t.Errorf("token list:\n%s", out)
	}
	if strings.Contains(out, token) {
		t.Errorf("token list shows the token")
	}
	if out := mustRunCLI(t, noEnv, "token", "revoke", id, "--db", dbPath); !strings.Contains(out, "revoked "+id) {
		t.Errorf("token revoke printed %q", out)
	}
	out = mustRunCLI(t, noEnv, "token", "list", "--db", dbPath)
	if !regexp.MustCompile(`(?m)^` + id + `\s+scanner\s+collector\s+\S+ \S+\s+-\s+\d{4}-\d\d-\d\d \d\d:\d\d$`).MatchString(out) {
		t.Errorf("token list after revoking:\n%s", out)
	}
	wantCLIError(t, noEnv, []string{"token", "revoke", id, "--db", dbPath}, "revoked")
	wantCLIError(t, noEnv, []string{"token", "revoke", "nope", "--db", dbPath}, "nope")
	wantCLIError(t, noEnv, []string{"token", "list", "extra", "--db", dbPath}, "extra")
}

// TestReadPasswordLine reads the first line of stdin as the password.
func TestReadPasswordLine(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		ok       bool
	}{
		{"secret password\n", "secret password", true},
		{"secret password\r\nmore\n", "secret password", true},
		{"no newline", "no newline", true},
		{"", "", false},
		{"\n", "", false},
	} {
		got, err := readPasswordLine(strings.NewReader(tt.in))
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("readPasswordLine(%q) = %q, %v; want %q, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
	if _, err := readPasswordLine(nil); err == nil {
		t.Errorf("readPasswordLine(nil) gave a password")
	}
}

// TestUsersWhileServing adds a user while `creditflow serve` holds the
// database in another process, with the password read from stdin here and
// sent along, and removes it again: the user's session ends on the server
// at once.
func TestUsersWhileServing(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "served.duckdb")
	s := serveProcess(t, dbPath)
	getenv := envOf(map[string]string{"CREDITFLOW_DB": dbPath})
	var out, errOut bytes.Buffer
	e := env{getenv: getenv, stdout: &out, stderr: &errOut, now: time.Now, stdin: strings.NewReader("annaspassword\n")}
	if err := runEnv(context.Background(), e, []string{"user", "add", "anna", "--role", "admin"}); err != nil {
		t.Fatalf("user add while serving: %v\n%s", err, errOut.String())
	}
	if out.String() != "added anna (admin)\n" {
		t.Errorf("user add while serving printed %q", out.String())
	}

	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.PostForm(s.base+"/login", url.Values{"name": {"anna"}, "password": {"annaspassword"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || len(resp.Cookies()) == 0 {
		t.Fatalf("POST /login as anna: %d, want 303 with a session", resp.StatusCode)
	}
	page := func() int {
		req, _ := http.NewRequest(http.MethodGet, s.base+"/admin", nil)
		req.AddCookie(resp.Cookies()[0])
		r, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		return r.StatusCode
	}
	if code := page(); code != http.StatusOK {
		t.Fatalf("GET /admin as anna: %d", code)
	}
	if out := mustRunIn(t, t.TempDir(), getenv, "user", "list"); !strings.Contains(out, "anna") {
		t.Errorf("user list while serving:\n%s", out)
	}
	mustRunIn(t, t.TempDir(), getenv, "user", "remove", "anna")
	if code := page(); code != http.StatusSeeOther {
		t.Errorf("GET /admin after anna was removed: %d, want 303 to the login page", code)
	}
}
