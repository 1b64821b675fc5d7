package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/app/apptest"
	"github.com/creditflow/creditflow/store"
)

// envOf returns a getenv of the given variables only.
func envOf(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// runCLI runs the command line args and returns its output.
func runCLI(t *testing.T, getenv func(string) string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(context.Background(), args, getenv, &out, &errOut)
	return out.String(), errOut.String(), err
}

// mustRunCLI runs args and fails the test when the command fails.
func mustRunCLI(t *testing.T, getenv func(string) string, args ...string) string {
	t.Helper()
	out, errOut, err := runCLI(t, getenv, args...)
	if err != nil {
		t.Fatalf("creditflow %s: %v\nstderr:\n%s", strings.Join(args, " "), err, errOut)
	}
	return out
}

// wantCLIError runs args and checks that the command fails with an error
// that mentions each of want, having printed nothing on stdout. It returns
// what the command printed on stderr.
func wantCLIError(t *testing.T, getenv func(string) string, args []string, want ...string) (stderr string) {
	t.Helper()
	out, errOut, err := runCLI(t, getenv, args...)
	if err == nil {
		t.Errorf("creditflow %s: no error", strings.Join(args, " "))
		return errOut
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("creditflow %s: error %q lacks %q", strings.Join(args, " "), err, w)
		}
	}
	if out != "" {
		t.Errorf("creditflow %s: stdout %q, want nothing", strings.Join(args, " "), out)
	}
	return errOut
}

// ledgerDB writes the given CSV files (name to content) into a temporary
// directory, ingests them into a database there, and returns the directory
// and a getenv that names the database in CREDITFLOW_DB.
func ledgerDB(t *testing.T, files map[string]string) (dir string, getenv func(string) string) {
	t.Helper()
	dir = t.TempDir()
	args := []string{"ingest"}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, p)
	}
	getenv = envOf(map[string]string{"CREDITFLOW_DB": filepath.Join(dir, "cf.duckdb")})
	mustRunCLI(t, getenv, args...)
	return dir, getenv
}

// apiGet answers GET target with token as the server of `creditflow
// serve` on the database dbPath does, and returns the body. Token "" is a
// new viewer's.
func apiGet(t *testing.T, dbPath, token, target string) []byte {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if token == "" {
		if token, err = app.CreateToken(ctx, db, creditflow.RoleViewer, "api test", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	log := slog.New(slog.DiscardHandler)
	srv := newServer(app.New(app.Config{DB: db, Logger: log}), log, time.Now, false, app.SendConfig{})
	req := httptest.NewRequest(http.MethodGet, target, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", target, rec.Code, rec.Body)
	}
	return rec.Body.Bytes()
}

// readCSV reads all records of a CSV file, its header first.
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return recs
}

// csvRows counts the data rows of a CSV file.
func csvRows(t *testing.T, path string) int64 {
	t.Helper()
	return int64(len(readCSV(t, path)) - 1)
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// TestCLI runs the commands one after another on one database, as a user would.
func TestCLI(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "ledger.duckdb")
	ledger := filepath.Join(dir, "ledger")
	noEnv := envOf(nil)
	paths := []string{filepath.Join(ledger, "customers.csv"), filepath.Join(ledger, "invoices.csv"), filepath.Join(ledger, "payments.csv")}

	out := mustRunCLI(t, noEnv, "demo", "--db", dbPath, "--out", ledger, "--customers", "50", "--invoices", "2000", "--seed", "3", "--end", "2025-06-30")
	if !strings.HasPrefix(out, "wrote 50 customers, ") {
		t.Errorf("demo printed %q", out)
	}
	want := creditflow.Stats{Customers: csvRows(t, paths[0]), Invoices: csvRows(t, paths[1]), Payments: csvRows(t, paths[2])}

	out = mustRunCLI(t, noEnv, append([]string{"ingest", "--db", dbPath}, paths...)...)
	if !strings.HasPrefix(out, "ingested 3 file(s)") {
		t.Errorf("ingest printed %q", out)
	}

	statsJSON := mustRunCLI(t, noEnv, "stats", "--db", dbPath, "--json")
	var fields map[string]json.RawMessage
	if err := json.Unmarshal([]byte(statsJSON), &fields); err != nil {
		t.Fatalf("stats --json: %v in %q", err, statsJSON)
	}
	if got := sortedKeys(fields); !slices.Equal(got, []string{"allocations", "customers", "invoices", "payments", "statement_credits", "unmatched"}) {
		t.Errorf("stats --json fields %q", got)
	}
	var stats creditflow.Stats
	json.Unmarshal([]byte(statsJSON), &stats)
	if stats.Customers != want.Customers || stats.Invoices != want.Invoices || stats.Payments != want.Payments || stats.Allocations == 0 {
		t.Errorf("stats --json = %+v, want the rows of the files %+v and some allocations", stats, want)
	}

	agingJSON := mustRunCLI(t, noEnv, "aging", "--db", dbPath, "--as-of", "2025-06-30", "--json")

	var token string
	t.Run("token", func(t *testing.T) {
		tests := []struct {
			name    string
			args    []string
			wantErr string
		}{
			{"viewer", []string{"--role", "viewer", "--name", "x"}, ""},
			{"bad role", []string{"--role", "root", "--name", "x"}, `role "root"`},
			{"no name", []string{"--role", "admin"}, "name"},
			{"blank name", []string{"--role", "admin", "--name", "  "}, "name"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				args := append([]string{"token", "create", "--db", dbPath}, tt.args...)
				if tt.wantErr != "" {
					wantCLIError(t, noEnv, args, tt.wantErr)
					return
				}
				out := mustRunCLI(t, noEnv, args...)
				if !regexp.MustCompile(`^cf_[0-9a-f]+_[0-9a-f]+\n$`).MatchString(out) {
					t.Fatalf("token create printed %q, want the token alone on one line", out)
				}
				token = strings.TrimSpace(out)
			})
		}
		if _, _, err := runCLI(t, noEnv, "token", "rename", "--db", dbPath); err == nil {
			t.Errorf("token rename: no error")
		}
	})

	t.Run("CREDITFLOW_DB", func(t *testing.T) {
		out := mustRunCLI(t, envOf(map[string]string{"CREDITFLOW_DB": dbPath}), "stats", "--json")
		if out != statsJSON {
			t.Errorf("stats with CREDITFLOW_DB = %s, want %s", out, statsJSON)
		}
		// --db wins over the environment.
		other := filepath.Join(t.TempDir(), "other.duckdb")
		out = mustRunCLI(t, envOf(map[string]string{"CREDITFLOW_DB": dbPath}), "stats", "--json", "--db", other)
		if out == statsJSON {
			t.Errorf("stats --db %s shows the data of CREDITFLOW_DB", other)
		}
	})

	// GET /api/aging of a server on the same database answers the same JSON,
	// and the token of the CLI works there.
	t.Run("same JSON as the API", func(t *testing.T) {
		if token == "" {
			t.Skip("no token")
		}
		if body := apiGet(t, dbPath, token, "/api/aging?as_of=2025-06-30"); string(body) != agingJSON {
			t.Errorf("aging --json differs from GET /api/aging:\nCLI %s\nAPI %s", agingJSON, body)
		}
		if !strings.Contains(agingJSON, `"as_of": "2025-06-30"`) {
			t.Errorf("aging --json lacks its as-of date: %s", agingJSON)
		}
	})

	t.Run("bad input", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "invoices-june.csv")
		os.WriteFile(bad, []byte("invoice_id,customer_id,invoice_date,amount\nX1,C1,2025-06-01,10.00\nX2,C1,2025-06-31,10.00\n"), 0o644)
		tests := []struct {
			name  string
			args  []string
			want  []string // in the error
			usage bool     // the usage is printed on stderr
		}{
			{name: "ingest of a bad file", args: []string{"ingest", "--db", dbPath, bad},
				want: []string{"invoices-june.csv", "line 3", "column invoice_date", "2025-06-31"}},
			{name: "ingest of nothing", args: []string{"ingest", "--db", dbPath}, want: []string{"name one or more files"}},
			{name: "ingest of a missing file", args: []string{"ingest", "--db", dbPath, filepath.Join(dir, "invoices-none.csv")}, want: []string{"invoices-none.csv"}},
			{name: "unknown command", args: []string{"frobnicate"}, want: []string{`unknown command "frobnicate"`}, usage: true},
			{name: "no command", args: nil, want: []string{"no command"}, usage: true},
			{name: "bad as-of", args: []string{"aging", "--db", dbPath, "--as-of", "30-06-2025"}, want: []string{"30-06-2025", "YYYY-MM-DD"}},
			{name: "bad group", args: []string{"aging", "--db", dbPath, "--as-of", "2025-06-30", "--group", "region"}, want: []string{"group"}},
			{name: "unknown flag", args: []string{"stats", "--db", dbPath, "--verbose"}, want: []string{"verbose"}},
			{name: "demo without --out", args: []string{"demo", "--db", dbPath}, want: []string{"--out"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				errOut := wantCLIError(t, noEnv, tt.args, tt.want...)
				if tt.usage && !strings.Contains(errOut, "Usage:") {
					t.Errorf("stderr lacks the usage:\n%s", errOut)
				}
			})
		}
		if out := mustRunCLI(t, noEnv, "stats", "--db", dbPath, "--json"); out != statsJSON {
			t.Errorf("stats after the rejected ingest = %s, want %s", out, statsJSON)
		}
	})

	t.Run("help", func(t *testing.T) {
		out := mustRunCLI(t, noEnv, "help")
		if !strings.Contains(out, "Usage:") {
			t.Errorf("help printed %q", out)
		}
	})
}

// holdDBEnv names the database that TestHoldDBHelper keeps open.
const holdDBEnv = "CREDITFLOW_TEST_HOLD_DB"

// TestHoldDBHelper is not a test of its own: TestCLIDatabaseLocked runs the
// test binary again with it, to have another process hold the database.
func TestHoldDBHelper(t *testing.T) {
	path := os.Getenv(holdDBEnv)
	if path == "" {
		t.Skip("runs only as the helper process of TestCLIDatabaseLocked")
	}
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	os.Stdout.WriteString("READY\n")
	// Hold the database until the parent closes stdin (or gives up).
	done := make(chan struct{})
	go func() {
		io.Copy(io.Discard, os.Stdin)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
	}
}

// TestCLIDatabaseLocked checks that a command that finds the database held
// by another process says so, and how to go on.
func TestCLIDatabaseLocked(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "held.duckdb")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHoldDBHelper$")
	cmd.Env = append(os.Environ(), holdDBEnv+"="+dbPath)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var childErr apptest.SyncBuffer
	cmd.Stderr = &childErr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		stdin.Close()
		waited := make(chan error, 1)
		go func() { waited <- cmd.Wait() }()
		select {
		case <-waited:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			<-waited
		}
	}
	t.Cleanup(stop)

	// ready receives nil once the helper holds the database, or what it
	// printed when it ended without.
	ready := make(chan []string, 1)
	go func() {
		var lines []string
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if sc.Text() == "READY" {
				ready <- nil
				io.Copy(io.Discard, stdout)
				return
			}
			lines = append(lines, sc.Text())
		}
		ready <- append(lines, "(ended)")
	}()
	select {
	case out := <-ready:
		if out != nil {
			t.Skipf("the helper process could not hold the database:\n%s\n%s", strings.Join(out, "\n"), childErr.String())
		}
	case <-time.After(2 * time.Minute):
		t.Skipf("the helper process did not open the database in time:\n%s", childErr.String())
	}

	// A socket that a killed server left beside the database answers
	// nobody: the commands say that the database is in use.
	stale, err := net.ListenUnix("unix", &net.UnixAddr{Name: dbPath + ".sock", Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	stale.SetUnlinkOnClose(false)
	stale.Close()

	for _, args := range [][]string{
		{"stats", "--json"},
		{"aging", "--as-of", "2025-06-30"},
		{"ingest", filepath.Join(t.TempDir(), "invoices.csv")},
		{"token", "create", "--role", "viewer", "--name", "x"},
	} {
		t.Run(args[0], func(t *testing.T) {
			_, _, err := runCLI(t, envOf(map[string]string{"CREDITFLOW_DB": dbPath}), args...)
			if err == nil {
				t.Fatal("no error while another process holds the database")
			}
			for _, want := range []string{dbPath, "in use by another process", `no "creditflow serve" of it answers`, "stop that process", "/api/ingest"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error lacks %q:\n%v", want, err)
				}
			}
		})
	}

	// Once the other process is gone, the database opens again.
	stop()
	mustRunCLI(t, envOf(map[string]string{"CREDITFLOW_DB": dbPath}), "stats", "--json")
}

var (
	servingRe = regexp.MustCompile(`creditflow is serving on (http://127\.0\.0\.1:\d+)/\n`)
	tokenRe   = regexp.MustCompile(`admin token \(shown once\): (cf_[0-9a-f]+_[0-9a-f]+)\n`)
	demoPwRe  = regexp.MustCompile(`log in as admin with this password \(shown once\): (\S+)\n`)
)

// startServe runs `creditflow serve` in a goroutine until the test ends or
// the returned cancel is called, and returns its base URL once it serves.
func startServe(t *testing.T, args ...string) (base string, stdout *apptest.SyncBuffer, cancel func() error) {
	t.Helper()
	ctx, stopCtx := context.WithCancel(context.Background())
	stdout, stderr := &apptest.SyncBuffer{}, &apptest.SyncBuffer{}
	errc := make(chan error, 1)
	go func() {
		errc <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), envOf(nil), stdout, stderr)
	}()
	var once sync.Once
	var runErr error
	cancel = func() error {
		once.Do(func() {
			stopCtx()
			select {
			case runErr = <-errc:
			case <-time.After(30 * time.Second):
				runErr = errors.New("serve did not return within 30 s of its context ending")
			}
		})
		return runErr
	}
	t.Cleanup(func() { cancel() })

	deadline := time.After(3 * time.Minute)
	for {
		if m := servingRe.FindStringSubmatch(stdout.String()); m != nil {
			return m[1], stdout, cancel
		}
		select {
		case err := <-errc:
			t.Fatalf("serve returned %v before serving\nstdout:\n%s\nstderr:\n%s", err, stdout, stderr)
		case <-deadline:
			t.Fatalf("serve did not start in 3 minutes\nstdout:\n%s\nstderr:\n%s", stdout, stderr)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func httpGet(t *testing.T, url, token string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

// TestServeDemo starts `creditflow serve --demo` on an empty database, uses
// the printed admin token, and shuts the server down.
func TestServeDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and ingests the default demo ledger (50,000 invoices)")
	}
	dbPath := filepath.Join(t.TempDir(), "demo.duckdb")
	start := time.Now()
	base, stdout, cancel := startServe(t, "--db", dbPath, "--demo")
	t.Logf("serving after %.1f s", time.Since(start).Seconds())
	m := tokenRe.FindStringSubmatch(stdout.String())
	if m == nil {
		// The token line follows the URL line in the same callback.
		time.Sleep(100 * time.Millisecond)
		if m = tokenRe.FindStringSubmatch(stdout.String()); m == nil {
			t.Fatalf("no admin token printed:\n%s", stdout)
		}
	}
	token := m[1]
	pw := demoPwRe.FindStringSubmatch(stdout.String())
	if pw == nil {
		t.Fatalf("no password of the admin user printed:\n%s", stdout)
	}
	// The admin logs in by name with the printed password.
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.PostForm(base+"/login", url.Values{"name": {"admin"}, "password": {pw[1]}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || len(resp.Cookies()) == 0 {
		t.Errorf("POST /login as admin with the printed password: %d, cookies %v; want 303 with a session", resp.StatusCode, resp.Cookies())
	}

	if code, body := httpGet(t, base+"/api/health", ""); code != http.StatusOK || !strings.Contains(string(body), `"ok"`) {
		t.Errorf("GET /api/health: %d %s", code, body)
	}
	if code, _ := httpGet(t, base+"/api/stats", ""); code != http.StatusUnauthorized {
		t.Errorf("GET /api/stats without a token: %d, want 401", code)
	}
	code, body := httpGet(t, base+"/api/stats", token)
	if code != http.StatusOK {
		t.Fatalf("GET /api/stats: %d %s", code, body)
	}
	var st creditflow.Stats
	if err := json.Unmarshal(body, &st); err != nil {
		t.Fatal(err)
	}
	// The demo ledger has 500 customers and 50,000 invoices (within 2%).
	if st.Customers < 500 || st.Invoices < 49000 || st.Invoices > 51000 || st.Payments == 0 || st.Allocations == 0 {
		t.Errorf("stats of the demo = %+v", st)
	}
	// The demo's statements are named as in the demo, not by the temporary
	// directory they were written to.
	code, body = httpGet(t, base+"/api/unmatched?limit=1", token)
	var queue struct {
		Items []struct {
			File string `json:"file"`
		} `json:"items"`
	}
	if err := json.Unmarshal(body, &queue); code != http.StatusOK || err != nil || len(queue.Items) != 1 ||
		!strings.HasPrefix(queue.Items[0].File, "statements/") {
		t.Errorf("GET /api/unmatched: %d %s", code, body)
	}

	if err := cancel(); err != nil {
		t.Fatalf("serve after its context ended: %v", err)
	}
	if code, err := http.Get(base + "/api/health"); err == nil {
		code.Body.Close()
		t.Errorf("the server still answers after shutdown")
	}

	// A database with data gets no demo and no new token.
	base, stdout, cancel = startServe(t, "--db", dbPath, "--demo")
	if code, _ := httpGet(t, base+"/api/stats", token); code != http.StatusOK {
		t.Errorf("GET /api/stats after a restart: %d", code)
	}
	if err := cancel(); err != nil {
		t.Fatalf("second serve: %v", err)
	}
	if strings.Contains(stdout.String(), "admin token") || strings.Contains(stdout.String(), "password") {
		t.Errorf("serve --demo on a database with data printed a new token or password:\n%s", stdout)
	}
}
