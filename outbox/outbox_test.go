package outbox_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/demo/ledgertest"
	"github.com/creditflow/creditflow/outbox"
	"github.com/creditflow/creditflow/store"
	"github.com/emersion/go-smtp"
)

// sendDay is 2025-03-02: everyone's friendly reminder (an e-mail step).
const sendDay = "2025-03-02"

// clock stands at 09:00 on the send day.
func clock() time.Time { return time.Date(2025, 3, 2, 9, 0, 0, 0, time.UTC) }

// noSleep records the waits instead of waiting.
type noSleep struct{ waits []time.Duration }

func (s *noSleep) sleep(_ context.Context, d time.Duration) error {
	s.waits = append(s.waits, d)
	return nil
}

// options are the options of a run against srv that prints into dir.
func options(tb testing.TB, srv *mailServer, dir string, sleep *noSleep) outbox.Options {
	tb.Helper()
	cfg := outbox.SMTPConfig{Addr: srv.addr, From: "Debiteuren <noreply@voorbeeld.example>", User: srv.user,
		Password: srv.password, TLSConfig: srv.tlsConfig}
	client, err := outbox.NewSMTP(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { client.Close() })
	return outbox.Options{Mailer: client, From: cfg.From, PrintDir: dir, Now: clock,
		Retry: outbox.Retry{Sleep: sleep.sleep}}
}

// sendOnce sends the letters of the send day.
func sendOnce(tb testing.TB, db *store.DB, opt outbox.Options) outbox.Report {
	tb.Helper()
	asOf := ledgertest.Date(tb, sendDay)
	rep, err := outbox.Send(context.Background(), db, asOf, lettersOn(tb, db, asOf), opt)
	if err != nil {
		tb.Fatal(err)
	}
	return rep
}

// results maps customer to result.
func results(rep outbox.Report) map[string]outbox.Result {
	m := map[string]outbox.Result{}
	for _, o := range rep.Outcomes {
		m[o.CustomerID] = o.Result
	}
	return m
}

// parsedMail is a received letter e-mail, decoded.
type parsedMail struct {
	to, subject, language, messageID string
	replyTo                          string
	html                             string
	pdfName                          string
	pdf                              []byte
}

func parseMail(t *testing.T, b []byte) parsedMail {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var p parsedMail
	p.to = msg.Header.Get("To")
	if p.subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		t.Fatal(err)
	}
	p.language, p.messageID, p.replyTo = msg.Header.Get("Content-Language"), msg.Header.Get("Message-ID"), msg.Header.Get("Reply-To")
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/mixed" {
		t.Fatalf("content type %q: %v", msg.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextPart() // decodes quoted-printable
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		ct, ps, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
		switch ct {
		case "multipart/alternative":
			ar := multipart.NewReader(part, ps["boundary"])
			for {
				ap, err := ar.NextPart()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(ap)
				if strings.HasPrefix(ap.Header.Get("Content-Type"), "text/html") {
					p.html = string(b)
				}
			}
		case "application/pdf":
			p.pdfName = part.FileName()
			b, _ := io.ReadAll(part)
			dec := make([]byte, len(b))
			n, err := base64Decode(dec, b)
			if err != nil {
				t.Fatalf("pdf attachment: %v", err)
			}
			p.pdf = dec[:n]
		}
	}
	return p
}

func TestSend(t *testing.T) {
	db := loadLedger(t)
	srv := startMail(t, plainServer, "", "")
	dir := t.TempDir()
	var sleep noSleep
	letters := lettersOn(t, db, ledgertest.Date(t, sendDay))
	rep, err := outbox.Send(context.Background(), db, ledgertest.Date(t, sendDay), letters, options(t, srv, dir, &sleep))
	if err != nil {
		t.Fatal(err)
	}

	want := map[string]outbox.Result{"A": outbox.Sent, "E": outbox.Sent, "C": outbox.Sent, "D": outbox.Sent, "N": outbox.Printed}
	if got := results(rep); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("results %v, want %v", got, want)
	}
	if rep.Problems() != 0 || len(sleep.waits) != 0 {
		t.Errorf("problems %d, waits %v", rep.Problems(), sleep.waits)
	}

	// Each e-mail arrives once, in the customer's language, with the PDF.
	subjects := map[string]string{"info@alfa.example": "herinnering", "ap@english.example": "reminder",
		"carla@example.nl": "herinnering", "dave@example.com": "reminder"}
	languages := map[string]string{"info@alfa.example": "nl", "ap@english.example": "en", "carla@example.nl": "nl", "dave@example.com": "en"}
	got := srv.received()
	if len(got) != len(subjects) {
		t.Fatalf("%d mails received, want %d", len(got), len(subjects))
	}
	seen := map[string]bool{}
	for _, m := range got {
		rcpt := m.to[0]
		if len(m.to) != 1 || seen[rcpt] {
			t.Errorf("recipients %v (seen before: %v)", m.to, seen[rcpt])
		}
		seen[rcpt] = true
		if m.from != "noreply@voorbeeld.example" {
			t.Errorf("envelope sender %q", m.from)
		}
		p := parseMail(t, m.data)
		if !strings.Contains(p.to, rcpt) {
			t.Errorf("To %q, want %s", p.to, rcpt)
		}
		if !strings.Contains(strings.ToLower(p.subject), subjects[rcpt]) || p.language != languages[rcpt] {
			t.Errorf("%s: subject %q language %q, want %q and %s", rcpt, p.subject, p.language, subjects[rcpt], languages[rcpt])
		}
		if !strings.HasPrefix(string(p.pdf), "%PDF-") || !strings.HasSuffix(p.pdfName, ".pdf") {
			t.Errorf("%s: attachment %q is not a PDF", rcpt, p.pdfName)
		}
		if !strings.Contains(p.html, "<html") || !strings.Contains(p.html, "NL91ABNA0417164300") {
			t.Errorf("%s: the body is not the letter's HTML", rcpt)
		}
		if p.replyTo != "debiteuren@voorbeeld.example" && p.replyTo != "<debiteuren@voorbeeld.example>" {
			t.Errorf("%s: Reply-To %q, want the creditor's address", rcpt, p.replyTo)
		}
		if !strings.HasPrefix(p.messageID, "<") || !strings.HasSuffix(p.messageID, "@voorbeeld.example>") {
			t.Errorf("%s: Message-ID %q", rcpt, p.messageID)
		}
	}

	// N has no address: its letter is the print batch's one page.
	if rep.PrintBatch == "" || filepath.Dir(rep.PrintBatch) != dir {
		t.Fatalf("print batch %q, want one in %s", rep.PrintBatch, dir)
	}
	pdf, err := os.ReadFile(rep.PrintBatch)
	if err != nil {
		t.Fatal(err)
	}
	if n := pdfPages(pdf); n != 1 || rep.PrintPages != 1 || !bytes.Contains(pdf, []byte("N-20250302")) {
		t.Errorf("print batch: %d pages (report %d), want N's letter on 1", n, rep.PrintPages)
	}

	// Every letter is recorded sent, with the action that takes its step:
	// N's on its overdue invoice only (N2 is disputed).
	if n := count(t, db, `SELECT count(*) FROM dunning_letters WHERE status = 'sent' AND attempts = 1 AND action_id IS NOT NULL`); n != 5 {
		t.Errorf("%d letters recorded sent, want 5", n)
	}
	if n := count(t, db, `SELECT count(*) FROM dunning_letters l JOIN dunning_actions a USING (customer_id, step)
		WHERE a.action_id = l.action_id AND a.created_by = ? AND a.action_date = DATE '2025-03-02'
		  AND a.type = CASE l.sent_by WHEN 'email' THEN 'reminder_sent' ELSE 'letter_sent' END`, outbox.DefaultActor); n != 5 {
		t.Errorf("%d letters with their action, want 5", n)
	}
	var ids string
	if err := db.QueryRow(`SELECT CAST(invoice_ids AS VARCHAR) FROM dunning_actions WHERE customer_id = 'N'`).Scan(&ids); err != nil || ids != "[N1]" {
		t.Errorf("N's action covers %s (%v), want [N1]", ids, err)
	}
	if n := count(t, db, `SELECT count(*) FROM dunning_letters WHERE message_id LIKE '<%>' AND sent_by = 'email'`); n != 4 {
		t.Errorf("%d e-mails with a message id, want 4", n)
	}

	// A second run the same day sends nothing again: the steps are taken,
	// so the worklist has no letters left, and the same letters made
	// before the first run are all sent already.
	if rep2 := sendOnce(t, db, options(t, srv, dir, &sleep)); len(rep2.Outcomes) != 0 {
		t.Errorf("second run has letters: %+v", rep2.Outcomes)
	}
	rep2, err := outbox.Send(context.Background(), db, ledgertest.Date(t, sendDay), letters, options(t, srv, dir, &sleep))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep2.Outcomes) != 5 {
		t.Errorf("second run of the same letters: %d outcomes", len(rep2.Outcomes))
	}
	for _, o := range rep2.Outcomes {
		if o.Result != outbox.AlreadySent {
			t.Errorf("second run: %s %s %s", o.CustomerID, o.Step, o.Result)
		}
	}
	if len(srv.received()) != 4 || rep2.PrintBatch != "" {
		t.Errorf("second run sent: %d mails, print batch %q", len(srv.received()), rep2.PrintBatch)
	}
	if n := count(t, db, `SELECT count(*) FROM dunning_actions`); n != 5 {
		t.Errorf("%d actions after the second run, want 5", n)
	}
}

func TestSendTLSAndAuth(t *testing.T) {
	cases := []struct {
		name string
		mode serverTLS
		tls  outbox.TLSMode
		auth string
	}{
		{"starttls plain", startTLSServer, outbox.TLSStartTLS, outbox.AuthPlain},
		{"auto upgrades, login", startTLSServer, outbox.TLSAuto, outbox.AuthLogin},
		{"implicit tls", implicitServer, outbox.TLSImplicit, ""},
		{"local server in the clear", plainServer, outbox.TLSNone, outbox.AuthPlain},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := startMail(t, c.mode, "collector", "s3cret")
			client, err := outbox.NewSMTP(outbox.SMTPConfig{Addr: srv.addr, TLS: c.tls, User: "collector", Password: "s3cret",
				Auth: c.auth, From: "debiteuren@voorbeeld.example", TLSConfig: srv.tlsConfig})
			if err != nil {
				t.Fatal(err)
			}
			defer client.Close()
			for i := range 2 {
				msg := []byte(fmt.Sprintf("Subject: %d\r\n\r\nhello\r\n", i))
				if err := client.Send(context.Background(), "debiteuren@voorbeeld.example", []string{"a@example.com"}, msg); err != nil {
					t.Fatal(err)
				}
			}
			if n := len(srv.received()); n != 2 {
				t.Errorf("%d mails received, want 2", n)
			}
		})
	}
	t.Run("wrong password", func(t *testing.T) {
		srv := startMail(t, startTLSServer, "collector", "s3cret")
		client, _ := outbox.NewSMTP(outbox.SMTPConfig{Addr: srv.addr, User: "collector", Password: "wrong",
			From: "debiteuren@voorbeeld.example", TLSConfig: srv.tlsConfig})
		err := client.Send(context.Background(), "debiteuren@voorbeeld.example", []string{"a@example.com"}, []byte("\r\n"))
		if err == nil || strings.Contains(err.Error(), "wrong") {
			t.Errorf("error %v: want a refusal that does not show the password", err)
		}
	})
	t.Run("starttls required", func(t *testing.T) {
		srv := startMail(t, plainServer, "", "")
		client, _ := outbox.NewSMTP(outbox.SMTPConfig{Addr: srv.addr, TLS: outbox.TLSStartTLS, From: "x@voorbeeld.example"})
		if err := client.Send(context.Background(), "x@voorbeeld.example", []string{"a@example.com"}, []byte("\r\n")); err == nil {
			t.Error("sent without the required STARTTLS")
		}
	})
}

func TestSendRetriesTemporaryFailure(t *testing.T) {
	db := loadLedger(t)
	srv := startMail(t, plainServer, "", "")
	srv.setRefuse(func(rcpt string, try int) error {
		if rcpt == "info@alfa.example" && try == 1 {
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
		}
		return nil
	})
	var sleep noSleep
	rep := sendOnce(t, db, options(t, srv, t.TempDir(), &sleep))
	if r := results(rep)["A"]; r != outbox.Sent {
		t.Fatalf("A: %s, want sent after a retry", r)
	}
	n := 0
	for _, m := range srv.received() {
		if m.to[0] == "info@alfa.example" {
			n++
		}
	}
	if n != 1 || len(sleep.waits) != 1 || sleep.waits[0] != 5*time.Second {
		t.Errorf("A received %d times after waits %v, want once after 5s", n, sleep.waits)
	}
	if n := count(t, db, `SELECT attempts FROM dunning_letters WHERE customer_id = 'A' AND status = 'sent'`); n != 2 {
		t.Errorf("A: %d attempts recorded, want 2", n)
	}

	// A server that keeps answering 4xx: deferred to the next run.
	db = loadLedger(t)
	srv.setRefuse(func(rcpt string, try int) error {
		if rcpt == "ap@english.example" {
			return &smtp.SMTPError{Code: 421, Message: "service not available"}
		}
		return nil
	})
	sleep = noSleep{}
	rep = sendOnce(t, db, options(t, srv, t.TempDir(), &sleep))
	if r := results(rep)["E"]; r != outbox.Deferred || rep.Problems() != 1 || len(sleep.waits) != 2 {
		t.Fatalf("E: %s, %d problems, waits %v: want deferred after 3 tries", r, rep.Problems(), sleep.waits)
	}
	if n := count(t, db, `SELECT count(*) FROM dunning_letters WHERE customer_id = 'E' AND status = 'queued' AND attempts = 3
		AND last_error LIKE '%service not available%'`); n != 1 {
		t.Error("E is not queued with its error")
	}
	if n := count(t, db, `SELECT count(*) FROM dunning_actions WHERE customer_id = 'E'`); n != 0 {
		t.Errorf("E has %d actions for a letter not sent", n)
	}
	srv.setRefuse(nil)
	rep = sendOnce(t, db, options(t, srv, t.TempDir(), &sleep))
	// The others' steps are taken: only E's letter is left to send.
	if r := results(rep); fmt.Sprint(r) != "map[E:sent]" {
		t.Errorf("next run: %v, want E's letter only, sent", r)
	}
}

func TestSendPermanentFailure(t *testing.T) {
	db := loadLedger(t)
	srv := startMail(t, plainServer, "", "")
	srv.setRefuse(func(rcpt string, try int) error {
		if rcpt == "dave@example.com" {
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "mailbox unknown"}
		}
		return nil
	})
	var sleep noSleep
	rep := sendOnce(t, db, options(t, srv, t.TempDir(), &sleep))
	var d outbox.Outcome
	for _, o := range rep.Outcomes {
		if o.CustomerID == "D" {
			d = o
		}
	}
	if d.Result != outbox.Failed || !strings.Contains(d.Error, "mailbox unknown") || d.Attempts != 1 || len(sleep.waits) != 0 {
		t.Fatalf("D: %+v, waits %v: want failed at once with the server's message", d, sleep.waits)
	}
	if rep.Problems() != 1 || rep.Count(outbox.Sent) != 3 {
		t.Errorf("%d problems, %d sent", rep.Problems(), rep.Count(outbox.Sent))
	}
	if n := count(t, db, `SELECT count(*) FROM dunning_letters WHERE customer_id = 'D' AND status = 'failed' AND last_error LIKE '%550%mailbox unknown%'`); n != 1 {
		t.Error("D is not recorded failed with the server's answer")
	}
	if n := count(t, db, `SELECT count(*) FROM dunning_actions WHERE customer_id = 'D'`); n != 0 {
		t.Errorf("D has %d actions for a letter refused", n)
	}

	// The next run leaves it, unless asked to try again.
	srv.setRefuse(nil)
	rep = sendOnce(t, db, options(t, srv, t.TempDir(), &sleep))
	if r := results(rep); fmt.Sprint(r) != "map[D:already_failed]" {
		t.Errorf("next run: D %s, want already_failed", r)
	}
	opt := options(t, srv, t.TempDir(), &sleep)
	opt.RetryFailed = true
	rep = sendOnce(t, db, opt)
	if r := results(rep)["D"]; r != outbox.Sent || len(srv.received()) != 4 {
		t.Errorf("retry: D %s, %d mails; want sent, 4 mails in all", r, len(srv.received()))
	}
}

func TestSendDryRun(t *testing.T) {
	db := loadLedger(t)
	srv := startMail(t, plainServer, "", "")
	dir := filepath.Join(t.TempDir(), "print")
	opt := outbox.Options{DryRun: true, Now: clock} // no mail server nor print directory needed
	rep := sendOnce(t, db, opt)
	if len(rep.Outcomes) != 5 || rep.Count(outbox.WouldSend) != 5 {
		t.Fatalf("dry run: %+v", rep.Outcomes)
	}
	for _, o := range rep.Outcomes {
		if o.Subject == "" || o.Total <= 0 || (o.By == outbox.ByEmail) != (o.To != "") {
			t.Errorf("dry run %s: subject %q total %s by %s to %q", o.CustomerID, o.Subject, o.Total, o.By, o.To)
		}
	}
	if n := count(t, db, `SELECT (SELECT count(*) FROM dunning_letters) + (SELECT count(*) FROM dunning_actions)`); n != 0 {
		t.Errorf("dry run recorded %d rows", n)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) || len(srv.received()) != 0 {
		t.Errorf("dry run wrote or sent: %v, %d mails", err, len(srv.received()))
	}
}

// uncertainMailer fails as a connection breaking after the message was
// handed over.
type uncertainMailer struct{ calls int }

func (m *uncertainMailer) Send(context.Context, string, []string, []byte) error {
	m.calls++
	return fmt.Errorf("message: %w: connection reset", outbox.ErrUncertain)
}

func TestSendUnconfirmedNotResent(t *testing.T) {
	db := loadLedger(t)
	var m uncertainMailer
	var sleep noSleep
	opt := outbox.Options{Mailer: &m, From: "debiteuren@voorbeeld.example", PrintDir: t.TempDir(), Now: clock,
		Retry: outbox.Retry{Sleep: sleep.sleep}}
	rep := sendOnce(t, db, opt)
	if rep.Count(outbox.Unconfirmed) != 4 || m.calls != 4 || len(sleep.waits) != 0 {
		t.Fatalf("%d unconfirmed, %d calls, waits %v: want 4, 4, none", rep.Count(outbox.Unconfirmed), m.calls, sleep.waits)
	}
	if n := count(t, db, `SELECT count(*) FROM dunning_letters WHERE status = 'sending'`); n != 4 {
		t.Errorf("%d letters left 'sending', want 4", n)
	}
	rep = sendOnce(t, db, opt)
	if rep.Count(outbox.Unconfirmed) != 4 || m.calls != 4 {
		t.Errorf("next run: %d unconfirmed, %d calls: want them reported, not sent", rep.Count(outbox.Unconfirmed), m.calls)
	}
}

func TestSendNeedsSettings(t *testing.T) {
	db := loadLedger(t)
	asOf := ledgertest.Date(t, sendDay)
	_, err := outbox.Send(context.Background(), db, asOf, lettersOn(t, db, asOf), outbox.Options{PrintDir: t.TempDir(), Now: clock})
	if !errors.Is(err, creditflow.ErrInvalid) {
		t.Errorf("without a mail server: %v, want ErrInvalid", err)
	}
	if n := count(t, db, `SELECT count(*) FROM dunning_letters`); n != 0 {
		t.Errorf("%d letters recorded without sending", n)
	}
}

func TestSendServerRefusesSession(t *testing.T) {
	db := loadLedger(t)
	srv := startMail(t, plainServer, "collector", "s3cret")
	var sleep noSleep
	opt := options(t, srv, t.TempDir(), &sleep)
	opt.Mailer, _ = outbox.NewSMTP(outbox.SMTPConfig{Addr: srv.addr, From: opt.From, User: "collector", Password: "wrong"})
	asOf := ledgertest.Date(t, sendDay)
	rep, err := outbox.Send(context.Background(), db, asOf, lettersOn(t, db, asOf), opt)
	if !errors.Is(err, outbox.ErrNoSession) {
		t.Fatalf("error %v, want ErrNoSession", err)
	}
	// The server, not the letters: none is failed, the e-mails wait, and
	// the print batch is made all the same.
	if r := results(rep); r["N"] != outbox.Printed || rep.Count(outbox.Deferred) != 4 || rep.Count(outbox.Failed) != 0 || len(sleep.waits) != 0 {
		t.Errorf("results %v, waits %v: want 4 deferred at once, N printed", r, sleep.waits)
	}
	if n := count(t, db, `SELECT count(*) FROM dunning_letters WHERE status IN ('failed', 'sending')`); n != 0 {
		t.Errorf("%d letters failed or sending", n)
	}
	rep = sendOnce(t, db, options(t, srv, t.TempDir(), &sleep))
	if rep.Count(outbox.Sent) != 4 || len(srv.received()) != 4 {
		t.Errorf("next run: %d sent, %d received; want 4", rep.Count(outbox.Sent), len(srv.received()))
	}
}

func TestRecipients(t *testing.T) {
	cases := []struct {
		field string
		want  string // addresses, comma-separated; "" for an error
	}{
		{"info@alfa.example", "info@alfa.example"},
		{"Alfa <info@alfa.example>", "info@alfa.example"},
		{"info@alfa.example; boekhouding@alfa.example", "info@alfa.example,boekhouding@alfa.example"},
		{"info@alfa.example, boekhouding@alfa.example", "info@alfa.example,boekhouding@alfa.example"},
		{"info at alfa", ""},
		{"", ""},
	}
	for _, c := range cases {
		t.Run(c.field, func(t *testing.T) {
			list, err := outbox.Recipients(c.field)
			var got []string
			for _, a := range list {
				got = append(got, a.Address)
			}
			if strings.Join(got, ",") != c.want || (err == nil) != (c.want != "") {
				t.Errorf("Recipients(%q) = %v, %v; want %q", c.field, got, err, c.want)
			}
		})
	}
}

func TestResolveUnconfirmed(t *testing.T) {
	db := loadLedger(t)
	var m uncertainMailer
	var sleep noSleep
	opt := outbox.Options{Mailer: &m, From: "debiteuren@voorbeeld.example", PrintDir: t.TempDir(), Now: clock,
		Retry: outbox.Retry{Sleep: sleep.sleep}}
	rep := sendOnce(t, db, opt)
	ids := map[string]int64{}
	for _, o := range rep.Outcomes {
		ids[o.CustomerID] = o.LetterID
	}
	ctx := context.Background()
	// A was delivered after all: its step counts. E was not: the next run
	// sends it.
	if err := outbox.Resolve(ctx, db, ids["A"], true, "collector", clock()); err != nil {
		t.Fatal(err)
	}
	if err := outbox.Resolve(ctx, db, ids["E"], false, "collector", clock()); err != nil {
		t.Fatal(err)
	}
	if err := outbox.Resolve(ctx, db, ids["A"], true, "collector", clock()); !errors.Is(err, creditflow.ErrConflict) {
		t.Errorf("resolving twice: %v, want ErrConflict", err)
	}
	if err := outbox.Resolve(ctx, db, 9999, true, "collector", clock()); !errors.Is(err, creditflow.ErrNotFound) {
		t.Errorf("unknown letter: %v, want ErrNotFound", err)
	}
	if n := count(t, db, `SELECT count(*) FROM dunning_letters l JOIN dunning_actions a ON a.action_id = l.action_id
		WHERE l.customer_id = 'A' AND l.status = 'sent' AND a.step = l.step AND a.created_by = 'collector'
		  AND a.note LIKE '%confirmed sent%' AND l.message_id LIKE '<%>'`); n != 1 {
		t.Error("A is not recorded sent with its action and message id")
	}
	srv := startMail(t, plainServer, "", "")
	rep = sendOnce(t, db, options(t, srv, t.TempDir(), &sleep))
	if r := results(rep); r["E"] != outbox.Sent || r["C"] != outbox.Unconfirmed || len(srv.received()) != 1 {
		t.Errorf("after resolving: %v, %d mails; want E sent, C still unconfirmed", r, len(srv.received()))
	}
}

func TestSendPrintOnly(t *testing.T) {
	db := loadLedger(t)
	dir := t.TempDir()
	rep := sendOnce(t, db, outbox.Options{PrintOnly: true, PrintDir: dir, Now: clock}) // no mail server
	if rep.Count(outbox.Printed) != 5 || rep.PrintBatch == "" {
		t.Fatalf("print only: %v, batch %q", results(rep), rep.PrintBatch)
	}
	pdf, err := os.ReadFile(rep.PrintBatch)
	if err != nil {
		t.Fatal(err)
	}
	// One letter a page or more, each with its reference.
	if n := pdfPages(pdf); n < 5 || n != rep.PrintPages {
		t.Errorf("%d pages (report %d), want one or more per letter", n, rep.PrintPages)
	}
	for _, c := range []string{"A", "E", "C", "D", "N"} {
		if !bytes.Contains(pdf, []byte(c+"-20250302")) {
			t.Errorf("the batch lacks %s's letter", c)
		}
	}
	if n := count(t, db, `SELECT count(*) FROM dunning_actions WHERE type = 'letter_sent'`); n != 5 {
		t.Errorf("%d letter_sent actions, want 5", n)
	}
}
