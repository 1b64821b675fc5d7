package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/outbox"
	"github.com/creditflow/creditflow/present"
	"github.com/creditflow/creditflow/report"
	"github.com/robfig/cron/v3"
)

// reportStateFile, in the report directory, records the last completed
// scheduled report, so that a restart makes up a missed run exactly once.
const reportStateFile = "last-run.json"

// mailConfig is where the weekly report is mailed; mail goes out when Addr
// and To are both set.
type mailConfig struct {
	Addr     string // host:port of the SMTP server
	From     string
	To       []string
	User     string // optional; PLAIN auth, over TLS unless the server is local
	Password string
}

func (m mailConfig) enabled() bool { return m.Addr != "" && len(m.To) > 0 }

// validate checks the addresses before the server starts, not at 07:00 on
// a Monday.
func (m mailConfig) validate() error {
	if (m.Addr != "") != (len(m.To) > 0) {
		return fmt.Errorf("%w: mailing the report needs both --smtp-addr and --report-to", creditflow.ErrInvalid)
	}
	if !m.enabled() {
		return nil
	}
	if _, _, err := net.SplitHostPort(m.Addr); err != nil {
		return fmt.Errorf("%w: --smtp-addr %q: expected host:port", creditflow.ErrInvalid, m.Addr)
	}
	if _, err := mail.ParseAddress(m.From); err != nil {
		return fmt.Errorf("%w: --smtp-from %q: %v", creditflow.ErrInvalid, m.From, err)
	}
	for _, to := range m.To {
		if _, err := mail.ParseAddress(to); err != nil {
			return fmt.Errorf("%w: --report-to %q: %v", creditflow.ErrInvalid, to, err)
		}
	}
	return nil
}

// splitRecipients reads the comma-separated --report-to.
func splitRecipients(s string) []string {
	var out []string
	for _, to := range strings.Split(s, ",") {
		if to = strings.TrimSpace(to); to != "" {
			out = append(out, to)
		}
	}
	return out
}

// reportRun is the state file: the last completed run of the schedule.
type reportRun struct {
	// CompletedAt is when the last run finished (report written and, when
	// mail is configured, sent). When the schedule has not run yet it is
	// when the schedule was first started, and AsOf is empty.
	CompletedAt time.Time `json:"completed_at"`
	AsOf        string    `json:"as_of,omitempty"`
	Dir         string    `json:"dir,omitempty"`
}

// reportScheduler writes the weekly report on a cron schedule into
// dir/<as-of>/ and mails it.
type reportScheduler struct {
	spec  string
	lang  present.Lang // the language of the reports
	sched cron.Schedule
	dir   string
	mail  mailConfig
	loc   *time.Location // the schedule's time zone: the server's
	now   func() time.Time
	log   *slog.Logger
	// write writes the report on asOf into a directory: report.Write in
	// the service.
	write func(ctx context.Context, asOf creditflow.Date, dir string) (report.Files, error)
}

// newReportScheduler parses a standard 5-field cron spec ("0 7 * * 1" is
// Mondays at 07:00 in loc) and checks the mail settings. It writes the
// report with the application a, which may be set later with useApp: the
// flags are checked before the database opens.
func newReportScheduler(spec, dir string, lang present.Lang, m mailConfig, a *app.App, loc *time.Location, now func() time.Time, log *slog.Logger) (*reportScheduler, error) {
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return nil, fmt.Errorf("%w: --report-schedule %q: %v (expected 5 fields: minute hour day-of-month month day-of-week)", creditflow.ErrInvalid, spec, err)
	}
	if dir == "" {
		return nil, fmt.Errorf("%w: --report-schedule needs --report-dir", creditflow.ErrInvalid)
	}
	if err := m.validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.Default()
	}
	if lang == "" {
		lang = present.NL
	}
	s := &reportScheduler{spec: spec, lang: lang, sched: sched, dir: dir, mail: m, loc: loc, now: now, log: log}
	s.useApp(a)
	return s, nil
}

// useApp makes the scheduler write its reports with a, whose figures the
// pages share.
func (s *reportScheduler) useApp(a *app.App) {
	s.write = func(ctx context.Context, asOf creditflow.Date, dir string) (report.Files, error) {
		return report.Write(ctx, a, asOf, dir, s.lang)
	}
}

// Run makes up a run missed while the service was down, then writes the
// report at every scheduled time until ctx ends. Runs happen one at a time,
// in this goroutine.
func (s *reportScheduler) Run(ctx context.Context) {
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		s.log.Error("weekly report: cannot create the report directory", "dir", s.dir, "err", err)
	}
	if _, err := s.catchUp(ctx); err != nil {
		s.log.Error("weekly report: make-up run", "err", err)
	}
	var prev time.Time
	for {
		from := s.now().In(s.loc)
		if from.Before(prev) {
			// A timer that fired early must not bring the same time back.
			from = prev
		}
		next := s.sched.Next(from)
		if next.IsZero() {
			s.log.Error("weekly report: the schedule never fires", "schedule", s.spec)
			return
		}
		s.log.Info("weekly report scheduled", "next", next.Format(time.RFC3339))
		t := time.NewTimer(next.Sub(s.now()))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		prev = next
		if err := s.runOnce(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("weekly report", "err", err)
		}
	}
}

// catchUp runs the report once now when the most recent scheduled time
// before now is after the last completed run, and reports whether it ran.
// On the very first start there is no run to make up: it only records the
// start, from which the schedule counts.
func (s *reportScheduler) catchUp(ctx context.Context) (bool, error) {
	last, ok, err := s.lastRun()
	if err != nil {
		return false, err
	}
	now := s.now().In(s.loc)
	if !ok {
		return false, s.saveRun(reportRun{CompletedAt: now})
	}
	// A scheduled time in (last, now] was missed.
	next := s.sched.Next(last.CompletedAt.In(s.loc))
	if next.IsZero() || next.After(now) {
		return false, nil
	}
	s.log.Info("weekly report: making up a missed run", "missed", next.Format(time.RFC3339),
		"last_run", last.CompletedAt.Format(time.RFC3339))
	return true, s.runOnce(ctx)
}

// runOnce writes the report as of today into dir/<as-of>/, mails it and
// records the run. A failed mail is not recorded, so that a restart tries
// again.
func (s *reportScheduler) runOnce(ctx context.Context) error {
	start := s.now().In(s.loc)
	asOf := creditflow.NewDate(start)
	dir := filepath.Join(s.dir, asOf.String())
	files, err := s.write(ctx, asOf, dir)
	if err != nil {
		return err
	}
	s.log.Info("weekly report written", "as_of", asOf.String(), "html", files.HTML, "xlsx", files.XLSX,
		"took", s.now().Sub(start).Round(time.Millisecond))
	if s.mail.enabled() {
		if err := sendReportMail(ctx, s.mail, files, s.now()); err != nil {
			return fmt.Errorf("mail the report of %s: %w", asOf, err)
		}
		s.log.Info("weekly report mailed", "to", strings.Join(s.mail.To, ", "))
	}
	return s.saveRun(reportRun{CompletedAt: s.now(), AsOf: asOf.String(), Dir: dir})
}

// lastRun reads the state file; ok is false when there is none.
func (s *reportScheduler) lastRun() (run reportRun, ok bool, err error) {
	b, err := os.ReadFile(filepath.Join(s.dir, reportStateFile))
	if errors.Is(err, fs.ErrNotExist) {
		return reportRun{}, false, nil
	}
	if err != nil {
		return reportRun{}, false, err
	}
	if err := json.Unmarshal(b, &run); err != nil || run.CompletedAt.IsZero() {
		return reportRun{}, false, fmt.Errorf("%s: not a report state file: %v", filepath.Join(s.dir, reportStateFile), err)
	}
	return run, true, nil
}

// saveRun replaces the state file in one rename.
func (s *reportScheduler) saveRun(run reportRun) error {
	b, err := json.MarshalIndent(run, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return err
	}
	path := filepath.Join(s.dir, reportStateFile)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// sendReportMail mails the report's files to m.To with its headline as the
// text, through the letters' SMTP client: STARTTLS when the server offers
// it, and the password only over TLS or to a server on this host.
func sendReportMail(ctx context.Context, m mailConfig, files report.Files, now time.Time) error {
	msg, err := reportMessage(m, files, now)
	if err != nil {
		return err
	}
	from, err := mail.ParseAddress(m.From)
	if err != nil {
		return fmt.Errorf("from %q: %w", m.From, err)
	}
	to := make([]string, len(m.To))
	for i, r := range m.To {
		a, err := mail.ParseAddress(r)
		if err != nil {
			return fmt.Errorf("recipient %q: %w", r, err)
		}
		to[i] = a.Address
	}
	client, err := outbox.NewSMTP(outbox.SMTPConfig{Addr: m.Addr, From: m.From, User: m.User, Password: m.Password})
	if err != nil {
		return err
	}
	defer client.Close()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	return client.Send(ctx, from.Address, to, msg)
}

// reportMessage builds the multipart/mixed mail: the headline as plain
// text, report.html and report.xlsx attached.
func reportMessage(m mailConfig, files report.Files, now time.Time) ([]byte, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)

	text, err := mw.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {"text/plain; charset=utf-8"},
		"Content-Transfer-Encoding": {"quoted-printable"},
	})
	if err != nil {
		return nil, err
	}
	qp := quotedprintable.NewWriter(text)
	if _, err := qp.Write([]byte(strings.ReplaceAll(files.Summary.Text(), "\n", "\r\n"))); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	for _, a := range []struct{ path, ctype string }{
		{files.HTML, "text/html; charset=utf-8"},
		{files.XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
	} {
		b, err := os.ReadFile(a.path)
		if err != nil {
			return nil, err
		}
		name := filepath.Base(a.path)
		part, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {mime.FormatMediaType(strings.SplitN(a.ctype, ";", 2)[0], ctypeParams(a.ctype, name))},
			"Content-Disposition":       {mime.FormatMediaType("attachment", map[string]string{"filename": name})},
			"Content-Transfer-Encoding": {"base64"},
		})
		if err != nil {
			return nil, err
		}
		if err := outbox.WriteBase64Lines(part, b); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}

	var msg bytes.Buffer
	to := make([]string, len(m.To))
	for i, r := range m.To {
		a, err := mail.ParseAddress(r)
		if err != nil {
			return nil, fmt.Errorf("recipient %q: %w", r, err)
		}
		to[i] = a.String()
	}
	from, err := mail.ParseAddress(m.From)
	if err != nil {
		return nil, fmt.Errorf("from %q: %w", m.From, err)
	}
	var id [12]byte
	rand.Read(id[:])
	domain := "creditflow.local"
	if _, d, ok := strings.Cut(from.Address, "@"); ok && d != "" {
		domain = d
	}
	hdr := []struct{ k, v string }{
		{"From", from.String()},
		{"To", strings.Join(to, ", ")},
		{"Subject", mime.QEncoding.Encode("utf-8", files.Summary.Subject())},
		{"Date", now.Format(time.RFC1123Z)},
		{"Message-ID", "<" + hex.EncodeToString(id[:]) + "@" + domain + ">"},
		{"MIME-Version", "1.0"},
		{"Content-Type", mime.FormatMediaType("multipart/mixed", map[string]string{"boundary": mw.Boundary()})},
	}
	for _, h := range hdr {
		fmt.Fprintf(&msg, "%s: %s\r\n", h.k, h.v)
	}
	msg.WriteString("\r\n")
	msg.Write(body.Bytes())
	return msg.Bytes(), nil
}

// ctypeParams returns the parameters of a content type with name added.
func ctypeParams(ctype, name string) map[string]string {
	params := map[string]string{"name": name}
	if _, p, err := mime.ParseMediaType(ctype); err == nil {
		for k, v := range p {
			params[k] = v
		}
	}
	return params
}
