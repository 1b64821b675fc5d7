package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/ingest"
	"github.com/creditflow/creditflow/outbox"
	"github.com/creditflow/creditflow/web"
	"github.com/emersion/go-smtp"
)

// countingMail is an SMTP backend that counts the messages by recipient.
type countingMail struct {
	mu sync.Mutex
	to map[string]int
}

func (m *countingMail) NewSession(*smtp.Conn) (smtp.Session, error) {
	return &countingSession{m: m}, nil
}

func (m *countingMail) count() map[string]int {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]int{}
	for k, v := range m.to {
		out[k] = v
	}
	return out
}

type countingSession struct {
	m  *countingMail
	to []string
}

func (s *countingSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *countingSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}
func (s *countingSession) Data(r io.Reader) error {
	io.Copy(io.Discard, r)
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	for _, to := range s.to {
		s.m.to[to]++
	}
	return nil
}
func (s *countingSession) Reset()        { s.to = nil }
func (s *countingSession) Logout() error { return nil }

// TestSendLetters sends the day's letters through POST /api/letters/send:
// a dry run says what would go out, a run mails A and prints B (no
// address), a second run sends nothing, and a viewer may not send.
func TestSendLetters(t *testing.T) {
	db := openAPITestDB(t)
	dir := t.TempDir()
	files := map[string]string{
		"customers.csv": "customer_id,name,country,segment,kind,payment_terms_days,credit_limit,registration_id,email,phone,language\n" +
			"A,Alfa B.V.,NL,retail,b2b,30,,,info@alfa.example,,\nB,Bravo Ltd,GB,retail,b2b,30,,,,,en\n",
		"invoices.csv": "invoice_id,customer_id,invoice_date,due_date,amount,currency,disputed,description\n" +
			"A1,A,2025-01-28,2025-02-27,1000.00,EUR,false,\nB1,B,2025-01-28,2025-02-27,500.00,EUR,false,\n",
	}
	var paths []string
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	if _, err := ingest.Files(context.Background(), db, paths, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	mail := &countingMail{to: map[string]int{}}
	smtpSrv := smtp.NewServer(mail)
	smtpSrv.Domain = "localhost"
	smtpSrv.ReadTimeout, smtpSrv.WriteTimeout = 30*time.Second, 30*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go smtpSrv.Serve(ln)
	t.Cleanup(func() { smtpSrv.Close() })
	printDir := filepath.Join(dir, "print")
	srv, tok := serveTestDB(t, db, func(c *web.Config) {
		c.Send = app.SendConfig{SMTP: outbox.SMTPConfig{Addr: ln.Addr().String(), From: "debiteuren@voorbeeld.example"}, PrintDir: printDir}
	})

	send := func(token, body string) (apiResponse, outbox.Report) {
		t.Helper()
		resp := do(t, newRequest(t, "POST", srv.URL+"/api/letters/send", token, []byte(body), "application/json"))
		var rep outbox.Report
		if resp.status == http.StatusOK {
			if err := json.Unmarshal(resp.body, &rep); err != nil {
				t.Fatal(err)
			}
		}
		return resp, rep
	}
	if resp, _ := send(tok.viewer, `{"dry_run": true}`); resp.status != http.StatusForbidden {
		t.Errorf("viewer: %d, want 403", resp.status)
	}
	if resp, _ := send(tok.collector, `{"dry_run": true, "frobnicate": 1}`); resp.status != http.StatusBadRequest {
		t.Errorf("unknown field: %d, want 400", resp.status)
	}
	if resp, _ := send(tok.collector, `{"date": "2025-03-02"}`); resp.status != http.StatusBadRequest {
		t.Errorf("a date in the future: %d, want 400", resp.status)
	}

	resp, rep := send(tok.collector, `{"dry_run": true}`)
	if resp.status != http.StatusOK || rep.Count(outbox.WouldSend) != 2 || len(mail.count()) != 0 {
		t.Fatalf("dry run: %d %s", resp.status, resp.body)
	}
	if _, err := os.Stat(printDir); err == nil {
		t.Error("the dry run wrote the print directory")
	}

	resp, rep = send(tok.collector, ``) // today, for real
	if resp.status != http.StatusOK || rep.Count(outbox.Sent) != 1 || rep.Count(outbox.Printed) != 1 || rep.PrintBatch == "" {
		t.Fatalf("send: %d %s", resp.status, resp.body)
	}
	if got := mail.count(); got["info@alfa.example"] != 1 || len(got) != 1 {
		t.Errorf("mails %v, want one to info@alfa.example", got)
	}
	for _, o := range rep.Outcomes {
		if o.CustomerID == "B" && (o.By != outbox.ByPrint || !strings.Contains(o.Subject, "reminder")) {
			t.Errorf("B: %+v, want printed, in English", o)
		}
	}
	var created string
	if err := db.QueryRow(`SELECT string_agg(DISTINCT created_by, ',') FROM dunning_actions`).Scan(&created); err != nil || !strings.HasPrefix(created, "api:") {
		t.Errorf("actions created by %q (%v), want the collector's token", created, err)
	}

	resp, rep = send(tok.collector, `{}`)
	if resp.status != http.StatusOK || len(rep.Outcomes) != 0 || mail.count()["info@alfa.example"] != 1 {
		t.Errorf("second run: %d %s", resp.status, resp.body)
	}
}
