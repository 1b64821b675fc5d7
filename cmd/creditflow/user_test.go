package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
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
