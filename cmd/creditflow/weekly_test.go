package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/present"
	"github.com/creditflow/creditflow/report"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/xuri/excelize/v2"
)

// weeklyLedger makes a small demo ledger database through the CLI.
func weeklyLedger(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	dbPath, ledger := filepath.Join(dir, "weekly.duckdb"), filepath.Join(dir, "ledger")
	mustRunCLI(t, envOf(nil), "demo", "--out", ledger, "--customers", "60", "--invoices", "3000", "--seed", "1", "--end", "2025-06-30")
	mustRunCLI(t, envOf(nil), "ingest", "--db", dbPath,
		filepath.Join(ledger, "customers.csv"), filepath.Join(ledger, "invoices.csv"), filepath.Join(ledger, "payments.csv"))
	return dbPath
}

// sentMail is one message the test SMTP server received.
type sentMail struct {
	from string
	to   []string
	data []byte
}

// mailBackend is a go-smtp backend that records what it receives and,
// when user is set, requires PLAIN auth with user and password.
type mailBackend struct {
	user, password string
	mu             sync.Mutex
	mails          []sentMail
	got            chan struct{}
}

func (b *mailBackend) NewSession(*smtp.Conn) (smtp.Session, error) {
	return &mailSession{b: b}, nil
}

func (b *mailBackend) received() []sentMail {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]sentMail(nil), b.mails...)
}

type mailSession struct {
	b      *mailBackend
	authed bool
	cur    sentMail
}

func (s *mailSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *mailSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != s.b.user || password != s.b.password {
			return errors.New("invalid credentials")
		}
		s.authed = true
		return nil
	}), nil
}

func (s *mailSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.b.user != "" && !s.authed {
		return smtp.ErrAuthRequired
	}
	s.cur = sentMail{from: from}
	return nil
}

func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.to = append(s.cur.to, to)
	return nil
}

func (s *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.data = b
	s.b.mu.Lock()
	s.b.mails = append(s.b.mails, s.cur)
	s.b.mu.Unlock()
	select {
	case s.b.got <- struct{}{}:
	default:
	}
	return nil
}

func (s *mailSession) Reset()        { s.cur = sentMail{} }
func (s *mailSession) Logout() error { return nil }

// startSMTP serves a recording SMTP server on a local port.
func startSMTP(t *testing.T, user, password string) (addr string, be *mailBackend) {
	t.Helper()
	be = &mailBackend{user: user, password: password, got: make(chan struct{}, 16)}
	srv := smtp.NewServer(be)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = 30*time.Second, 30*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String(), be
}

// checkReportMail parses a received report mail: recipients, subject, the
// text and both attachments, decoded, in the language l.
func checkReportMail(t *testing.T, m sentMail, l present.Lang, wantTo []string, asOf string, htmlFile, xlsxFile []byte) {
	t.Helper()
	if strings.Join(m.to, ",") != strings.Join(wantTo, ",") {
		t.Errorf("envelope recipients %q, want %q", m.to, wantTo)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(m.data))
	if err != nil {
		t.Fatalf("read mail: %v", err)
	}
	subj, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	day, _ := creditflow.ParseDate(asOf)
	if want := l.Tf("creditflow weekly report %s", l.Date(day)); err != nil || subj != want {
		t.Errorf("subject %q (%v), want %q", subj, err, want)
	}
	to, err := msg.Header.AddressList("To")
	if err != nil || len(to) != len(wantTo) {
		t.Errorf("To header %v (%v), want %q", to, err, wantTo)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/mixed" {
		t.Fatalf("Content-Type %q, want multipart/mixed", msg.Header.Get("Content-Type"))
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	attached := map[string][]byte{}
	var text string
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("mail part: %v", err)
		}
		body, err := io.ReadAll(p) // quoted-printable is decoded by the reader
		if err != nil {
			t.Fatal(err)
		}
		if name := p.FileName(); name != "" {
			if enc := p.Header.Get("Content-Transfer-Encoding"); enc != "base64" {
				t.Errorf("%s is sent as %q, want base64", name, enc)
			}
			dec, err := base64.StdEncoding.DecodeString(strings.NewReplacer("\r", "", "\n", "").Replace(string(body)))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			attached[name] = dec
			continue
		}
		if ct := p.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
			t.Errorf("body part is %q, want text/plain", ct)
		}
		text = string(body)
	}
	if !strings.Contains(text, l.T("Open receivables")+":") || !strings.Contains(text, l.T("Expected cash, 13 weeks")+":") {
		t.Errorf("mail text lacks the headline figures:\n%s", text)
	}
	if !bytes.Equal(attached["report.html"], htmlFile) {
		t.Errorf("report.html attachment is %d bytes, want the %d of the file", len(attached["report.html"]), len(htmlFile))
	}
	if !bytes.Equal(attached["report.xlsx"], xlsxFile) {
		t.Errorf("report.xlsx attachment is %d bytes, want the %d of the file", len(attached["report.xlsx"]), len(xlsxFile))
	}
	if f, err := excelize.OpenReader(bytes.NewReader(attached["report.xlsx"])); err != nil {
		t.Errorf("report.xlsx attachment does not open: %v", err)
	} else {
		if idx, _ := f.GetSheetIndex(report.SheetName(l, report.SheetForecast)); idx < 0 {
			t.Errorf("report.xlsx attachment has no %s sheet", report.SheetName(l, report.SheetForecast))
		}
		f.Close()
	}
}

// TestWeeklyReport runs `creditflow report` and mails its files through a
// real SMTP server, with and without authentication.
func TestWeeklyReport(t *testing.T) {
	dbPath := weeklyLedger(t)
	out := filepath.Join(t.TempDir(), "report")
	// In Dutch by default, in English with --lang en.
	nlOut := filepath.Join(t.TempDir(), "rapport")
	stdout := mustRunCLI(t, envOf(nil), "report", "--db", dbPath, "--as-of", "2025-06-30", "--out", nlOut)
	for _, want := range []string{"Weekrapportage debiteuren per 30 juni 2025.", "Openstaande vorderingen:", "€ "} {
		if !strings.Contains(stdout, want) {
			t.Errorf("Dutch report output lacks %q:\n%s", want, stdout)
		}
	}
	if _, _, err := runCLI(t, envOf(nil), "report", "--db", dbPath, "--out", out, "--lang", "de"); !errors.Is(err, creditflow.ErrInvalid) {
		t.Errorf("report --lang de: %v, want ErrInvalid", err)
	}
	stdout = mustRunCLI(t, envOf(nil), "report", "--db", dbPath, "--as-of", "2025-06-30", "--out", out, "--lang", "en")
	for _, want := range []string{filepath.Join(out, "report.html"), filepath.Join(out, "report.xlsx"), "Open receivables:"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("report output lacks %q:\n%s", want, stdout)
		}
	}
	htmlFile, err := os.ReadFile(filepath.Join(out, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	xlsxFile, err := os.ReadFile(filepath.Join(out, "report.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCLI(t, envOf(nil), "report", "--db", dbPath); !errors.Is(err, creditflow.ErrInvalid) {
		t.Errorf("report without --out: %v, want ErrInvalid", err)
	}

	files := report.Files{HTML: filepath.Join(out, "report.html"), XLSX: filepath.Join(out, "report.xlsx"),
		Summary: report.Summary{AsOf: mustDate(t, "2025-06-30"), Currency: "EUR", OpenTotal: 123456}}
	for _, tc := range []struct {
		name, user, password string
	}{
		{"plain", "", ""},
		{"auth", "reports", "s3cret"},
	} {
		t.Run("mail "+tc.name, func(t *testing.T) {
			addr, be := startSMTP(t, tc.user, tc.password)
			to := []string{"Credit Control <credit@example.com>", "cfo@example.com"}
			m := mailConfig{Addr: addr, From: "creditflow <reports@example.com>", To: to, User: tc.user, Password: tc.password}
			if err := m.validate(); err != nil {
				t.Fatal(err)
			}
			if err := sendReportMail(context.Background(), m, files, reportClock()); err != nil {
				t.Fatalf("send: %v", err)
			}
			got := be.received()
			if len(got) != 1 {
				t.Fatalf("server received %d mails, want 1", len(got))
			}
			if got[0].from != "reports@example.com" {
				t.Errorf("envelope sender %q", got[0].from)
			}
			checkReportMail(t, got[0], present.EN, []string{"credit@example.com", "cfo@example.com"}, "2025-06-30", htmlFile, xlsxFile)
		})
	}
	t.Run("mail wrong password", func(t *testing.T) {
		addr, be := startSMTP(t, "reports", "s3cret")
		m := mailConfig{Addr: addr, From: "reports@example.com", To: []string{"a@example.com"}, User: "reports", Password: "wrong"}
		if err := sendReportMail(context.Background(), m, files, reportClock()); err == nil {
			t.Error("send with a wrong password succeeded")
		}
		if n := len(be.received()); n != 0 {
			t.Errorf("server received %d mails, want 0", n)
		}
	})
}

func mustDate(t *testing.T, s string) creditflow.Date {
	t.Helper()
	d, err := creditflow.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func reportClock() time.Time { return time.Date(2025, 6, 30, 7, 0, 0, 0, time.UTC) }

// fakeClock is a settable clock for the scheduler.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// testScheduler is a scheduler on "0 7 * * 1" (Mondays 07:00 UTC) in dir
// whose report writing only counts.
func testScheduler(t *testing.T, dir string, clock *fakeClock, runs *[]creditflow.Date, mu *sync.Mutex) *reportScheduler {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s, err := newReportScheduler("0 7 * * 1", dir, "en", mailConfig{}, nil, time.UTC, clock.now, log)
	if err != nil {
		t.Fatal(err)
	}
	s.write = func(_ context.Context, asOf creditflow.Date, dir string) (report.Files, error) {
		mu.Lock()
		defer mu.Unlock()
		*runs = append(*runs, asOf)
		return report.Files{HTML: filepath.Join(dir, "report.html"), XLSX: filepath.Join(dir, "report.xlsx")}, nil
	}
	return s
}

// TestScheduleMakeUp checks the start-up rule with an injected clock: a
// missed run is made up once, and only once.
func TestScheduleMakeUp(t *testing.T) {
	utc := func(s string) time.Time {
		v, err := time.Parse("2006-01-02 15:04", s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		name     string
		lastRun  string // "" = no state file
		start    string // first start-up
		restart  string // second start-up
		wantRuns []int  // runs after the first and the second start-up
	}{
		// 2025-06-16 and 2025-06-23 are Mondays.
		{"missed one", "2025-06-09 07:00", "2025-06-17 09:00", "2025-06-17 09:05", []int{1, 1}},
		{"missed several", "2025-05-12 07:00", "2025-06-17 09:00", "2025-06-18 10:00", []int{1, 1}},
		{"nothing missed", "2025-06-16 07:00", "2025-06-16 09:00", "2025-06-20 12:00", []int{0, 0}},
		{"down over the time", "2025-06-16 07:01", "2025-06-23 06:59", "2025-06-23 07:00", []int{0, 1}},
		{"first start", "", "2025-06-17 09:00", "2025-06-24 09:00", []int{0, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			clock := &fakeClock{t: utc(tc.start)}
			var (
				mu   sync.Mutex
				runs []creditflow.Date
			)
			s := testScheduler(t, dir, clock, &runs, &mu)
			if tc.lastRun != "" {
				if err := s.saveRun(reportRun{CompletedAt: utc(tc.lastRun).Add(20 * time.Second), AsOf: tc.lastRun[:10]}); err != nil {
					t.Fatal(err)
				}
			}
			ran, err := s.catchUp(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if len(runs) != tc.wantRuns[0] || ran != (tc.wantRuns[0] == 1) {
				t.Fatalf("after start-up at %s: %d runs (ran %v), want %d", tc.start, len(runs), ran, tc.wantRuns[0])
			}
			if ran && runs[0].String() != tc.start[:10] {
				t.Errorf("made-up run is as of %s, want today %s", runs[0], tc.start[:10])
			}
			// Restart: a new scheduler on the same directory.
			clock.set(utc(tc.restart))
			s2 := testScheduler(t, dir, clock, &runs, &mu)
			if _, err := s2.catchUp(context.Background()); err != nil {
				t.Fatal(err)
			}
			if len(runs) != tc.wantRuns[1] {
				t.Errorf("after restart at %s: %d runs in all, want %d", tc.restart, len(runs), tc.wantRuns[1])
			}
			last, ok, err := s2.lastRun()
			if err != nil || !ok {
				t.Fatalf("state file: %v, %v", ok, err)
			}
			if len(runs) > 0 && last.AsOf != runs[len(runs)-1].String() {
				t.Errorf("state file records %s, want the last run %s", last.AsOf, runs[len(runs)-1])
			}
		})
	}
}

// TestScheduleRunsOnTime runs the scheduler's loop just before a scheduled
// time: the report is written once, and the loop then waits a week.
func TestScheduleRunsOnTime(t *testing.T) {
	dir := t.TempDir()
	// 200 ms before Monday 2025-06-23 07:00; the clock stands still, as the
	// loop only needs it to know how long to wait.
	clock := &fakeClock{t: time.Date(2025, 6, 23, 6, 59, 59, 800_000_000, time.UTC)}
	var (
		mu   sync.Mutex
		runs []creditflow.Date
	)
	s := testScheduler(t, dir, clock, &runs, &mu)
	if err := s.saveRun(reportRun{CompletedAt: time.Date(2025, 6, 16, 7, 0, 5, 0, time.UTC), AsOf: "2025-06-16"}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	time.Sleep(1500 * time.Millisecond)
	cancel()
	<-done
	mu.Lock()
	defer mu.Unlock()
	if len(runs) != 1 || runs[0].String() != "2025-06-23" {
		t.Errorf("runs %v, want one as of 2025-06-23", runs)
	}
}

// TestScheduleServeMakesUpAndMails starts `creditflow serve` with a
// schedule whose last run is more than a week old: it makes up the run at
// start-up, writes the report into DIR/<as-of>/ and mails it.
func TestScheduleServeMakesUpAndMails(t *testing.T) {
	dbPath := weeklyLedger(t)
	reports := t.TempDir()
	addr, be := startSMTP(t, "", "")
	s := &reportScheduler{dir: reports}
	if err := s.saveRun(reportRun{CompletedAt: time.Now().AddDate(0, 0, -8)}); err != nil {
		t.Fatal(err)
	}
	_, _, cancel := startServe(t, "--db", dbPath, "--report-schedule", "0 7 * * 1", "--report-dir", reports,
		"--smtp-addr", addr, "--smtp-from", "reports@example.com", "--report-to", "a@example.com, b@example.com")
	select {
	case <-be.got:
	case <-time.After(3 * time.Minute):
		t.Fatal("no report mail within 3 minutes of start-up")
	}
	// Give the state file its moment after the mail.
	deadline := time.Now().Add(10 * time.Second)
	var last reportRun
	for time.Now().Before(deadline) {
		var ok bool
		if last, ok, _ = s.lastRun(); ok && last.AsOf != "" {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := cancel(); err != nil {
		t.Fatalf("serve: %v", err)
	}
	if last.AsOf == "" {
		t.Fatal("the make-up run was not recorded")
	}
	htmlFile, err := os.ReadFile(filepath.Join(reports, last.AsOf, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	xlsxFile, err := os.ReadFile(filepath.Join(reports, last.AsOf, "report.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	got := be.received()
	if len(got) != 1 {
		t.Fatalf("server received %d mails, want 1", len(got))
	}
	checkReportMail(t, got[0], present.NL, []string{"a@example.com", "b@example.com"}, last.AsOf, htmlFile, xlsxFile)
}

// TestScheduleFlags checks that bad schedule and mail flags stop serve
// before it listens.
func TestScheduleFlags(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.duckdb")
	for _, args := range [][]string{
		{"--report-schedule", "every monday", "--report-dir", "r"},
		{"--report-schedule", "0 7 * * 1"},
		{"--report-dir", "r"},
		{"--report-schedule", "0 7 * * 1", "--report-dir", "r", "--smtp-addr", "localhost:25"},
		{"--report-schedule", "0 7 * * 1", "--report-dir", "r", "--smtp-addr", "localhost:25", "--smtp-from", "x", "--report-to", "a@example.com"},
	} {
		_, _, err := runCLI(t, envOf(nil), append([]string{"serve", "--addr", "127.0.0.1:0", "--db", db}, args...)...)
		if !errors.Is(err, creditflow.ErrInvalid) {
			t.Errorf("serve %s: %v, want ErrInvalid", strings.Join(args, " "), err)
		}
	}
}
