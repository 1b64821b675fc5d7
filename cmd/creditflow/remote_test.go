package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/app/apptest"
	"github.com/creditflow/creditflow/store/storetest"
)

// runIn runs the command line args as if started in the directory cwd,
// and returns its output.
func runIn(t *testing.T, cwd string, getenv func(string) string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := env{getenv: getenv, stdout: &out, stderr: &errOut, now: time.Now, cwd: cwd}
	err = runEnv(context.Background(), e, args)
	return out.String(), errOut.String(), err
}

// mustRunIn runs args in cwd and fails the test when the command fails.
func mustRunIn(t *testing.T, cwd string, getenv func(string) string, args ...string) string {
	t.Helper()
	out, errOut, err := runIn(t, cwd, getenv, args...)
	if err != nil {
		t.Fatalf("creditflow %s (in %s): %v\nstderr:\n%s", strings.Join(args, " "), cwd, err, errOut)
	}
	return out
}

// serveDBEnv names the database that TestServeHelper serves.
const serveDBEnv = "CREDITFLOW_TEST_SERVE_DB"

// TestServeHelper is not a test of its own: serveProcess runs the test
// binary again with it, to have `creditflow serve` run in another process,
// as it does for the user.
func TestServeHelper(t *testing.T) {
	path := os.Getenv(serveDBEnv)
	if path == "" {
		t.Skip("runs only as the helper process of serveProcess")
	}
	ctx, cancel := context.WithCancel(context.Background())
	// Serve until the parent closes stdin (or gives up).
	go func() {
		io.Copy(io.Discard, os.Stdin)
		cancel()
	}()
	go func() {
		select {
		case <-ctx.Done():
		case <-time.After(5 * time.Minute):
			cancel()
		}
	}()
	if err := run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", path}, envOf(nil), os.Stdout, os.Stderr); err != nil {
		t.Fatal(err)
	}
}

// served is a `creditflow serve` in another process.
type served struct {
	base   string // URL of the HTTP server
	cmd    *exec.Cmd
	stdin  io.Closer
	stderr *apptest.SyncBuffer
	waited chan error
}

var servingLineRe = regexp.MustCompile(`creditflow is serving on (http://127\.0\.0\.1:\d+)/`)

// serveProcess runs `creditflow serve` on dbPath in another process until
// the test ends, and returns it once it serves.
func serveProcess(t *testing.T, dbPath string) *served {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestServeHelper$")
	cmd.Env = append(os.Environ(), serveDBEnv+"="+dbPath)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &served{cmd: cmd, stdin: stdin, stderr: &apptest.SyncBuffer{}, waited: make(chan error, 1)}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	base := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := servingLineRe.FindStringSubmatch(sc.Text()); m != nil {
				base <- m[1]
			}
		}
		close(base)
		s.waited <- cmd.Wait()
	}()
	t.Cleanup(func() { s.stop(t) })
	select {
	case b, ok := <-base:
		if !ok {
			t.Fatalf("serve ended before serving:\n%s", s.stderr)
		}
		s.base = b
	case <-time.After(2 * time.Minute):
		t.Fatalf("serve did not start in 2 minutes:\n%s", s.stderr)
	}
	return s
}

// stop ends the server as Ctrl-C would, and waits for it.
func (s *served) stop(t *testing.T) {
	if s.waited == nil {
		return
	}
	s.stdin.Close()
	select {
	case <-s.waited:
	case <-time.After(time.Minute):
		s.cmd.Process.Kill()
		<-s.waited
		t.Errorf("serve did not end within a minute of being asked to:\n%s", s.stderr)
	}
	s.waited = nil
}

// kill ends the server as kill -9 would: it leaves its socket behind.
func (s *served) kill(t *testing.T) {
	if err := s.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-s.waited
	s.waited = nil
}

// get answers GET target of the server with token, and decodes the JSON
// answer into v.
func (s *served) get(t *testing.T, token, target string, v any) {
	t.Helper()
	code, body := httpGet(t, s.base+target, token)
	if code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", target, code, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v in %s", target, err, body)
	}
}

// worklistCustomers are the customers of the server's worklist as of
// 2025-06-30.
func (s *served) worklistCustomers(t *testing.T, token string) []string {
	t.Helper()
	var wl struct {
		Tasks []struct {
			CustomerID string `json:"customer_id"`
		} `json:"tasks"`
	}
	s.get(t, token, "/api/dunning/worklist?as_of=2025-06-30", &wl)
	var ids []string
	for _, task := range wl.Tasks {
		ids = append(ids, task.CustomerID)
	}
	return ids
}

var tokenLineRe = regexp.MustCompile(`^cf_[0-9a-f]+_[0-9a-f]+\n$`)

// TestCommandsWhileServing runs commands while `creditflow serve` holds the
// database in another process: they run inside the server, take their
// files from the directory they were started in, and what they change
// shows in the server's answers at once.
func TestCommandsWhileServing(t *testing.T) {
	_, getenv := ledgerDB(t, map[string]string{
		"customers.csv": "customer_id,name,country,segment,kind,payment_terms_days,credit_limit,registration_id,email,phone\n" +
			"A,Alfa B.V.,NL,retail,b2b,30,,,,\n",
		"invoices.csv": "invoice_id,customer_id,invoice_date,due_date,amount,currency,disputed,description\n" +
			"A1,A,2025-01-30,2025-03-01,1000.00,EUR,false,\n",
	})
	dbPath := getenv("CREDITFLOW_DB")
	srv := serveProcess(t, dbPath)

	sock := dbPath + ".sock"
	fi, err := os.Lstat(sock)
	if err != nil {
		t.Fatalf("no socket beside the database: %v", err)
	}
	if fi.Mode().Type() != fs.ModeSocket || fi.Mode().Perm() != 0o600 {
		t.Errorf("%s: mode %v, want a socket with mode 0600", sock, fi.Mode())
	}

	// A token made on the command line works against the running server.
	out := mustRunIn(t, t.TempDir(), getenv, "token", "create", "--role", "viewer", "--name", "x")
	if !tokenLineRe.MatchString(out) {
		t.Fatalf("token create printed %q, want the token alone", out)
	}
	token := strings.TrimSpace(out)
	var stats creditflow.Stats
	srv.get(t, token, "/api/stats", &stats)
	if stats.Customers != 1 || stats.Invoices != 1 {
		t.Errorf("GET /api/stats = %+v, want 1 customer and 1 invoice", stats)
	}
	// The server computes (and keeps) the worklist of the day.
	if got := srv.worklistCustomers(t, token); !reflect.DeepEqual(got, []string{"A"}) {
		t.Errorf("worklist before the ingest: %q, want A", got)
	}

	// aging --json prints what GET /api/aging answers.
	agingJSON := mustRunIn(t, t.TempDir(), getenv, "aging", "--as-of", "2025-06-30", "--json")
	var cli, api any
	if err := json.Unmarshal([]byte(agingJSON), &cli); err != nil {
		t.Fatalf("aging --json: %v in %q", err, agingJSON)
	}
	srv.get(t, token, "/api/aging?as_of=2025-06-30", &api)
	if !reflect.DeepEqual(cli, api) {
		t.Errorf("aging --json = %s\nGET /api/aging = %v", agingJSON, api)
	}
	var aging creditflow.Aging
	json.Unmarshal([]byte(agingJSON), &aging)
	if aging.OpenTotal != 1000_00 {
		t.Errorf("aging open total %v, want 1000.00", aging.OpenTotal)
	}

	// An ingest of a file named relative to another directory than the
	// server's (and this process's) loads it, through the server's
	// application: its worklist is made again.
	exports := t.TempDir()
	if err := os.WriteFile(filepath.Join(exports, "invoices_b.csv"), []byte("invoice_id,customer_id,invoice_date,due_date,amount,currency,disputed,description\n"+
		"B1,B,2025-02-01,2025-03-03,500.00,EUR,false,\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat("invoices_b.csv"); err == nil {
		t.Fatal("invoices_b.csv in the test's own directory: the test would not tell the directories apart")
	}
	out = mustRunIn(t, exports, getenv, "ingest", "invoices_b.csv")
	if !strings.HasPrefix(out, "ingested 1 file(s)") {
		t.Errorf("ingest printed %q", out)
	}
	if got := srv.worklistCustomers(t, token); !reflect.DeepEqual(got, []string{"A", "B"}) {
		t.Errorf("worklist after the ingest: %q, want A and B", got)
	}
	srv.get(t, token, "/api/stats", &stats)
	if stats.Customers != 2 || stats.Invoices != 2 {
		t.Errorf("GET /api/stats after the ingest = %+v, want 2 customers and 2 invoices", stats)
	}
	var wl struct {
		Tasks []struct {
			CustomerID string `json:"customer_id"`
		} `json:"tasks"`
	}
	out = mustRunIn(t, exports, getenv, "dunning", "worklist", "--as-of", "2025-06-30", "--json")
	if err := json.Unmarshal([]byte(out), &wl); err != nil || len(wl.Tasks) != 2 {
		t.Errorf("dunning worklist --json after the ingest: %v\n%s", err, out)
	}

	// An output directory is the command line's too.
	out = mustRunIn(t, exports, getenv, "report", "--as-of", "2025-06-30", "--out", "weekly")
	for _, name := range []string{"report.html", "report.xlsx"} {
		if _, err := os.Stat(filepath.Join(exports, "weekly", name)); err != nil {
			t.Errorf("report --out weekly: %v\n%s", err, out)
		}
	}

	t.Run("errors", func(t *testing.T) {
		for _, tt := range []struct {
			args []string
			want []string
			kind error
		}{
			// A second server is told that one runs.
			{[]string{"serve", "--addr", "127.0.0.1:0"}, []string{"a creditflow server already runs on the database " + dbPath, "Stop it"}, creditflow.ErrLocked},
			// What cannot run inside the server says why.
			{[]string{"ingest", "--cpuprofile", "cpu.prof", "invoices_b.csv"}, []string{"--cpuprofile", "stop the server"}, nil},
			// The command's errors come back with their kind.
			{[]string{"report", "--as-of", "2025-06-30"}, []string{"--out DIR is required"}, creditflow.ErrInvalid},
			{[]string{"ingest", "missing.csv"}, []string{filepath.Join(exports, "missing.csv")}, nil},
		} {
			t.Run(tt.args[0], func(t *testing.T) {
				out, _, err := runIn(t, exports, getenv, tt.args...)
				if err == nil {
					t.Fatalf("creditflow %s: no error", strings.Join(tt.args, " "))
				}
				for _, w := range tt.want {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q lacks %q", err, w)
					}
				}
				if tt.kind != nil && !errors.Is(err, tt.kind) {
					t.Errorf("error %q is not %v", err, tt.kind)
				}
				if out != "" {
					t.Errorf("stdout %q, want nothing", out)
				}
			})
		}
		if _, err := os.Stat(filepath.Join(exports, "cpu.prof")); err == nil {
			t.Errorf("ingest --cpuprofile wrote a profile inside the server")
		}
	})

	// When the server ends, so does its socket.
	srv.stop(t)
	if _, err := os.Lstat(sock); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("socket after the server ended: %v, want it gone", err)
	}
}

// TestStaleSocket kills a server, which leaves its socket behind: the
// commands then open the database themselves, and the next server replaces
// the socket.
func TestStaleSocket(t *testing.T) {
	_, getenv := ledgerDB(t, map[string]string{
		"invoices.csv": "invoice_id,customer_id,invoice_date,due_date,amount,currency,disputed,description\n" +
			"A1,A,2025-01-30,2025-03-01,1000.00,EUR,false,\n",
	})
	dbPath := getenv("CREDITFLOW_DB")
	sock := dbPath + ".sock"
	srv := serveProcess(t, dbPath)
	mustRunIn(t, t.TempDir(), getenv, "stats") // inside the server, which holds the database
	srv.kill(t)
	if fi, err := os.Lstat(sock); err != nil || fi.Mode().Type() != fs.ModeSocket {
		t.Fatalf("socket after kill -9: %v, want it left behind", err)
	}

	out := mustRunIn(t, t.TempDir(), getenv, "stats", "--json")
	var stats creditflow.Stats
	if err := json.Unmarshal([]byte(out), &stats); err != nil || stats.Invoices != 1 {
		t.Errorf("stats --json with a stale socket: %v %q", err, out)
	}

	srv = serveProcess(t, dbPath)
	if strings.Contains(srv.stderr.String(), "no socket") {
		t.Errorf("the new server made no socket:\n%s", srv.stderr)
	}
	token := strings.TrimSpace(mustRunIn(t, t.TempDir(), getenv, "token", "create", "--role", "viewer", "--name", "after the kill"))
	srv.get(t, token, "/api/stats", &stats)
	if stats.Invoices != 1 {
		t.Errorf("GET /api/stats = %+v", stats)
	}
}

// TestForwardedCommandCancelled checks that a command inside the server is
// cancelled when its command line goes away, and that a request of another
// protocol version is refused.
func TestForwardedCommandCancelled(t *testing.T) {
	db := storetest.MustOpen(t)
	h := &host{db: db, app: app.New(app.Config{DB: db, Logger: slog.New(slog.DiscardHandler)}), path: db.Path}
	started, cancelled := make(chan struct{}), make(chan error, 1)
	commands["test-wait"] = func(ctx context.Context, c *command, args []string) error {
		fmt.Fprintln(c.e.stdout, "waiting")
		close(started)
		<-ctx.Done()
		cancelled <- ctx.Err()
		return ctx.Err()
	}
	t.Cleanup(func() { delete(commands, "test-wait") })
	stop := serveCommands(context.Background(), env{now: time.Now}, h, slog.New(slog.DiscardHandler))
	defer stop()
	sock := socketPath(db.Path)

	conn, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout apptest.SyncBuffer
	errc := make(chan error, 1)
	go func() {
		errc <- forward(ctx, env{getenv: envOf(nil), stdout: &stdout, stderr: io.Discard, cwd: t.TempDir()}, conn, []string{"test-wait"})
	}()
	select {
	case <-started:
	case err := <-errc:
		t.Fatalf("the command ended before it started: %v", err)
	case <-time.After(time.Minute):
		t.Fatal("the command did not start within a minute")
	}
	cancel() // Ctrl-C
	select {
	case err := <-cancelled:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("the command's context ended with %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("the command inside the server was not cancelled within a minute of its command line going away")
	}
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("forward after Ctrl-C: %v", err)
	}

	// Another version of the protocol is refused, saying so.
	conn, err = net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := writeFrame(conn, request{Version: protocolVersion + 1, Args: []string{"stats"}, Cwd: "/"}); err != nil {
		t.Fatal(err)
	}
	var rep reply
	if err := readFrame(conn, &rep); err != nil {
		t.Fatal(err)
	}
	if !rep.Done || !strings.Contains(rep.Error, "version") || rep.Kind != "invalid" {
		t.Errorf("answer to another version: %+v", rep)
	}
	// serve and demo do not run inside a server.
	for _, cmd := range []string{"serve", "demo"} {
		conn, err := net.Dial("unix", sock)
		if err != nil {
			t.Fatal(err)
		}
		err = forward(context.Background(), env{getenv: envOf(nil), stdout: io.Discard, stderr: io.Discard, cwd: "/"}, conn, []string{cmd, "--out", "x"})
		if err == nil || !strings.Contains(err.Error(), "does not run inside a running server") {
			t.Errorf("%s inside the server: %v", cmd, err)
		}
	}
}

// TestCommandPath checks that relative file names are taken from the
// command line's directory.
func TestCommandPath(t *testing.T) {
	for _, tt := range []struct{ cwd, p, want string }{
		{"", "invoices.csv", "invoices.csv"},
		{"/home/anna", "invoices.csv", "/home/anna/invoices.csv"},
		{"/home/anna", "../bob/out", "/home/bob/out"},
		{"/home/anna", "/data/x.csv", "/data/x.csv"},
		{"/home/anna", "", ""},
	} {
		c := newCommand(env{getenv: envOf(nil), stderr: io.Discard, cwd: tt.cwd}, "test")
		if got := c.path(tt.p); got != tt.want {
			t.Errorf("path(%q) in %q = %q, want %q", tt.p, tt.cwd, got, tt.want)
		}
	}
}
