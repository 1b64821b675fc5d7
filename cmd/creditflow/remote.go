package main

// Commands while the server runs.
//
// DuckDB lets one process open a database file, and `creditflow serve`
// keeps its file open. So that the other commands work meanwhile, the
// server listens on a Unix socket beside the database, <database>.sock
// (mode 0600, removed when the server ends). A command that finds the
// database locked by another process dials that socket; when a server
// answers, the command is handed to it and runs there, in-process, on the
// server's database and the server's application (app.App): what it
// computes stays for the pages, and what it changes (an ingest, a planned
// step, a sent letter) makes the pages compute again, as an upload does.
//
// Only the owner of the socket can connect: the socket is created with
// mode 0600 (the directory of the database should let only its users in
// too), and on Linux the server also checks that the peer runs as the
// server's user.
//
// The protocol is frames of a 4-byte big-endian length and a JSON object
// of at most maxFrame bytes. The client sends one request frame,
//
//	{"version": 1, "args": ["ingest", "invoices.csv"],
//	 "env": {"CREDITFLOW_DB": "ledger.duckdb"}, "cwd": "/home/anna/exports"}
//
// with the command line's arguments, its CREDITFLOW_* variables and its
// working directory, which relative file names are taken from (see
// command.path), and then sends nothing more: closing its end (Ctrl-C)
// cancels the command. The server answers with output frames,
// {"stdout": "<base64>"} or {"stderr": "<base64>"}, in the order written,
// and one last frame {"done": true, "error": "...", "kind": "invalid"}: no
// error is success (exit status 0), an error is the command's (exit status
// 1), with its kind when it has one of errorKinds. A request of another
// version gets a last frame with an error and nothing else.

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/outbox"
	"github.com/creditflow/creditflow/store"
)

const (
	// protocolVersion is the version of the requests this server runs.
	protocolVersion = 1
	// maxFrame is the largest frame, in bytes, either side accepts.
	maxFrame = 16 << 20
	// maxChunk is the most output one frame carries (base64 makes it 4/3).
	maxChunk = 1 << 20
	// socketSuffix makes the socket's path of the database's.
	socketSuffix = ".sock"
	// maxSocketAddr is the longest address of a Unix socket (108 bytes on
	// Linux and 104 on macOS, with the NUL).
	maxSocketAddr = 103
	// requestTimeout is how long the server waits for the request of a
	// connection.
	requestTimeout = 10 * time.Second
)

// notForwarded are the commands that do not run inside a running server,
// and why.
var notForwarded = map[string]string{
	"serve": "a server does not run inside another one",
	"demo":  "it needs no database and runs on its own",
}

// forwardedVars are the variables the commands read. They go with a
// forwarded command, together with any other CREDITFLOW_* variable of the
// process.
var forwardedVars = []string{"CREDITFLOW_DB", envPassword, outbox.EnvAddr, outbox.EnvFrom, outbox.EnvUser, outbox.EnvPassword, outbox.EnvTLS, outbox.EnvAuth}

// request is the first and only frame of the client.
type request struct {
	Version int               `json:"version"`
	Args    []string          `json:"args"`
	Env     map[string]string `json:"env,omitempty"`
	// Cwd is the client's working directory, absolute.
	Cwd string `json:"cwd"`
}

// reply is a frame of the server: output, or the end of the command.
type reply struct {
	Stdout []byte `json:"stdout,omitempty"`
	Stderr []byte `json:"stderr,omitempty"`
	Done   bool   `json:"done,omitempty"`
	Error  string `json:"error,omitempty"`
	Kind   string `json:"kind,omitempty"`
}

// errorKinds are the kinds of error a reply names, so that the client's
// error wraps the same one.
var errorKinds = []struct {
	name string
	err  error
}{
	{"invalid", creditflow.ErrInvalid},
	{"not_found", creditflow.ErrNotFound},
	{"conflict", creditflow.ErrConflict},
	{"unauthorized", creditflow.ErrUnauthorized},
	{"forbidden", creditflow.ErrForbidden},
	{"locked", creditflow.ErrLocked},
	{"canceled", context.Canceled},
}

// kindError is an error with a message of its own and a kind: the error of
// a command that ran inside the server.
type kindError struct {
	msg  string
	kind error // nil: none of errorKinds
}

func (e *kindError) Error() string { return e.msg }
func (e *kindError) Unwrap() error { return e.kind }

func writeFrame(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if len(b) > maxFrame {
		return fmt.Errorf("frame of %d bytes: at most %d", len(b), maxFrame)
	}
	buf := make([]byte, 4, 4+len(b))
	binary.BigEndian.PutUint32(buf, uint32(len(b)))
	_, err = w.Write(append(buf, b...))
	return err
}

func readFrame(r io.Reader, v any) error {
	var n [4]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		return err
	}
	size := binary.BigEndian.Uint32(n[:])
	if size > maxFrame {
		return fmt.Errorf("frame of %d bytes: at most %d", size, maxFrame)
	}
	b := make([]byte, size)
	if _, err := io.ReadFull(r, b); err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// socketPath is the path of the socket of the database at dbPath.
func socketPath(dbPath string) string {
	if abs, err := filepath.Abs(dbPath); err == nil {
		dbPath = abs
	}
	return dbPath + socketSuffix
}

// socketAddr is the address to listen on or dial for the socket at path:
// path, or when that is too long for a socket address, path relative to
// the working directory if that is short enough.
func socketAddr(path string) string {
	if len(path) <= maxSocketAddr {
		return path
	}
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, path); err == nil && len(rel) <= maxSocketAddr {
			return rel
		}
	}
	return path
}

// forwardLocked runs args, whose command found its database locked, inside
// the server that holds the database when one answers on its socket; when
// none does, it returns locked. serve gets an error that says a server
// already runs.
func forwardLocked(ctx context.Context, e env, args []string, locked *lockedError) error {
	sock := socketPath(locked.path)
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", socketAddr(sock))
	if err != nil {
		return locked
	}
	if len(locked.env) > 0 {
		getenv := e.getenv
		e.getenv = func(k string) string {
			if v, ok := locked.env[k]; ok {
				return v
			}
			return getenv(k)
		}
	}
	if why, ok := notForwarded[args[0]]; ok {
		conn.Close()
		if args[0] == "serve" {
			return &kindError{kind: creditflow.ErrLocked, msg: fmt.Sprintf("a creditflow server already runs on the database %s (it answers on %s). "+
				"Stop it before serving the database again; while it runs, the other commands run inside it", locked.path, sock)}
		}
		return fmt.Errorf("%s: %w (%s)", args[0], locked, why)
	}
	return forward(ctx, e, conn, args)
}

// forward sends args to the server at the other end of conn, writes what
// the command prints to e's stdout and stderr, and returns its error. When
// ctx ends, it closes conn, which cancels the command on the server.
func forward(ctx context.Context, e env, conn net.Conn, args []string) error {
	defer conn.Close()
	cwd := e.cwd
	if cwd == "" {
		var err error
		if cwd, err = os.Getwd(); err != nil {
			return fmt.Errorf("working directory: %w", err)
		}
	}
	req := request{Version: protocolVersion, Args: args, Env: forwardEnv(e.getenv), Cwd: cwd}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	failed := func(err error) error {
		if ctx.Err() != nil {
			return fmt.Errorf("%s: cancelled, also on the server: %w", args[0], ctx.Err())
		}
		return fmt.Errorf("%s: the server that holds the database (on %s) did not finish the command: %w", args[0], conn.RemoteAddr(), err)
	}
	if err := writeFrame(conn, req); err != nil {
		return failed(err)
	}
	r := bufio.NewReader(conn)
	for {
		var rep reply
		if err := readFrame(r, &rep); err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return failed(err)
		}
		if len(rep.Stdout) > 0 {
			e.stdout.Write(rep.Stdout)
		}
		if len(rep.Stderr) > 0 {
			e.stderr.Write(rep.Stderr)
		}
		if !rep.Done {
			continue
		}
		if rep.Error == "" {
			return nil
		}
		re := &kindError{msg: rep.Error}
		for _, k := range errorKinds {
			if k.name == rep.Kind {
				re.kind = k.err
			}
		}
		return re
	}
}

// forwardEnv returns the variables that go with a forwarded command.
func forwardEnv(getenv func(string) string) map[string]string {
	names := append([]string(nil), forwardedVars...)
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "CREDITFLOW_") {
			names = append(names, k)
		}
	}
	vars := map[string]string{}
	for _, k := range names {
		if v := getenv(k); v != "" {
			vars[k] = v
		}
	}
	return vars
}

// host is a running server's database and application, which the commands
// forwarded to it run on.
type host struct {
	db   *store.DB
	app  *app.App
	path string // the database file, as serve named it
}

// serves reports whether path names the host's database file.
func (h *host) serves(path string) bool {
	a, errA := os.Stat(path)
	b, errB := os.Stat(h.path)
	if errA == nil && errB == nil {
		return os.SameFile(a, b)
	}
	return socketPath(path) == socketPath(h.path)
}

// serveCommands listens on the socket of h's database and runs the
// commands forwarded to it inside the server, until stop is called; stop
// cancels the commands under way, waits for them and removes the socket.
// Without a socket (an in-memory database, or the socket cannot be made)
// the server runs on and the other commands find the database locked, as
// the warning logged says.
func serveCommands(ctx context.Context, e env, h *host, log *slog.Logger) (stop func()) {
	if h.path == "" || h.path == ":memory:" {
		return func() {}
	}
	sock := socketPath(h.path)
	ln, err := listenSocket(sock)
	if err != nil {
		log.Warn("no socket for the other commands: they cannot run while the server runs", slog.Any("error", err))
		return func() {}
	}
	log.Info("the other commands run inside the server while it runs", slog.String("socket", sock))
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			conn, err := ln.AcceptUnix()
			if err != nil {
				if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
					return
				}
				log.Warn("commands socket", slog.Any("error", err))
				time.Sleep(100 * time.Millisecond) // out of file descriptors, say
				continue
			}
			wg.Go(func() { serveCommand(ctx, e, h, log, conn) })
		}
	})
	return func() {
		cancel()
		ln.Close() // removes the socket
		wg.Wait()
	}
}

// listenSocket listens on a new socket at path that only this user may
// connect to. A socket already there that nobody answers on was left by a
// server that was killed, and is replaced.
func listenSocket(path string) (*net.UnixListener, error) {
	addr := socketAddr(path)
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode().Type() != fs.ModeSocket {
			return nil, fmt.Errorf("%s exists and is not a socket: move it away", path)
		}
		if c, err := net.DialTimeout("unix", addr, time.Second); err == nil {
			c.Close()
			return nil, fmt.Errorf("another process answers on %s", path)
		}
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("stale socket: %w", err)
		}
	}
	var ln *net.UnixListener
	err := withUmask(0o177, func() (err error) {
		ln, err = net.ListenUnix("unix", &net.UnixAddr{Name: addr, Net: "unix"})
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, err
	}
	return ln, nil
}

// serveCommand runs the command that the client at the other end of conn
// sends, inside the server.
func serveCommand(ctx context.Context, e env, h *host, log *slog.Logger, conn *net.UnixConn) {
	defer conn.Close()
	out := &replies{w: conn}
	if err := checkPeer(conn); err != nil {
		log.Warn("commands socket: refused", slog.Any("error", err))
		out.done(err)
		return
	}
	conn.SetReadDeadline(time.Now().Add(requestTimeout))
	var req request
	if err := readFrame(conn, &req); err != nil {
		if !errors.Is(err, io.EOF) { // EOF: a second serve saw that this one runs
			log.Warn("commands socket: no request", slog.Any("error", err))
		}
		return
	}
	conn.SetReadDeadline(time.Time{})
	switch {
	case req.Version != protocolVersion:
		out.done(fmt.Errorf("%w: the server speaks version %d of the commands protocol, not %d: use the creditflow binary the server runs",
			creditflow.ErrInvalid, protocolVersion, req.Version))
		return
	case len(req.Args) == 0:
		out.done(fmt.Errorf("%w: no command given", creditflow.ErrInvalid))
		return
	case !filepath.IsAbs(req.Cwd):
		out.done(fmt.Errorf("%w: working directory %q is not absolute", creditflow.ErrInvalid, req.Cwd))
		return
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// The client sends nothing more: its end closing cancels the command.
	go func() {
		var b [1]byte
		conn.Read(b[:])
		cancel()
	}()
	getenv := func(k string) string {
		if strings.HasPrefix(k, "CREDITFLOW_") {
			return req.Env[k]
		}
		return ""
	}
	fe := env{getenv: getenv, stdout: out.stream(false), stderr: out.stream(true), now: e.now, cwd: req.Cwd, host: h}
	start := time.Now()
	err := runEnv(ctx, fe, req.Args)
	attrs := []any{slog.String("command", commandName(req.Args)), slog.Float64("seconds", time.Since(start).Seconds())}
	if err != nil {
		attrs = append(attrs, slog.Any("error", err))
	}
	log.Info("ran a command of the command line", attrs...)
	out.done(err)
}

// commandName is the command of args with its subcommand, for the log,
// which gets no arguments: they may hold a password.
func commandName(args []string) string {
	switch {
	case len(args) == 0:
		return ""
	case len(args) > 1 && (args[0] == "dunning" || args[0] == "backtest" || args[0] == "token") && !strings.HasPrefix(args[1], "-"):
		return args[0] + " " + args[1]
	}
	return args[0]
}

// replies writes the frames of the server to one client, one at a time.
// After a failed write (the client went away) it writes nothing more.
type replies struct {
	mu     sync.Mutex
	w      io.Writer
	failed error
}

func (o *replies) write(r reply) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.failed == nil {
		o.failed = writeFrame(o.w, r)
	}
	return o.failed
}

// done writes the last frame, with err.
func (o *replies) done(err error) {
	r := reply{Done: true}
	if err != nil {
		r.Error = err.Error()
		for _, k := range errorKinds {
			if errors.Is(err, k.err) {
				r.Kind = k.name
				break
			}
		}
	}
	o.write(r)
}

// stream is the command's stdout, or its stderr.
func (o *replies) stream(stderr bool) io.Writer { return streamWriter{o, stderr} }

type streamWriter struct {
	o      *replies
	stderr bool
}

func (s streamWriter) Write(p []byte) (int, error) {
	for n := 0; n < len(p); {
		chunk := p[n:min(len(p), n+maxChunk)]
		r := reply{Stdout: chunk}
		if s.stderr {
			r = reply{Stderr: chunk}
		}
		if err := s.o.write(r); err != nil {
			return n, err
		}
		n += len(chunk)
	}
	return len(p), nil
}
