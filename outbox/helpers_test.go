package outbox_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"io"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/demo/ledgertest"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/store"
	"github.com/creditflow/creditflow/store/storetest"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// received is one message the test server accepted.
type received struct {
	from string
	to   []string
	data []byte
}

// mailServer is an in-process SMTP server that records what it accepts.
// refuse, when set, answers a recipient's message: nil accepts it, an
// *smtp.SMTPError refuses it (at the end of DATA).
type mailServer struct {
	addr           string
	user, password string
	tlsConfig      *tls.Config // the client's: trusts the server's certificate

	mu     sync.Mutex
	mails  []received
	tries  map[string]int // DATA attempts by recipient
	refuse func(rcpt string, try int) error
}

func (m *mailServer) received() []received {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]received(nil), m.mails...)
}

func (m *mailServer) setRefuse(f func(rcpt string, try int) error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.refuse = f
}

func (m *mailServer) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{m: m}, nil }

type session struct {
	m      *mailServer
	authed bool
	cur    received
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain, sasl.Login} }

func (s *session) Auth(mech string) (sasl.Server, error) {
	check := func(user, password string) error {
		if user != s.m.user || password != s.m.password {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "invalid credentials"}
		}
		s.authed = true
		return nil
	}
	if mech == sasl.Login {
		return &loginServer{check: check}, nil
	}
	return sasl.NewPlainServer(func(_, user, password string) error { return check(user, password) }), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.m.user != "" && !s.authed {
		return smtp.ErrAuthRequired
	}
	s.cur = received{from: from}
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.to = append(s.cur.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	rcpt := s.cur.to[0]
	s.m.tries[rcpt]++
	if s.m.refuse != nil {
		if err := s.m.refuse(rcpt, s.m.tries[rcpt]); err != nil {
			return err
		}
	}
	s.cur.data = b
	s.m.mails = append(s.m.mails, s.cur)
	return nil
}

func (s *session) Reset()        { s.cur = received{} }
func (s *session) Logout() error { return nil }

// loginServer is the server side of AUTH LOGIN with the user name sent
// as the initial response, as go-sasl's client does.
type loginServer struct {
	check func(user, password string) error
	user  []byte
	state int
}

func (l *loginServer) Next(resp []byte) ([]byte, bool, error) {
	switch l.state {
	case 0:
		l.state = 1
		if resp == nil {
			return []byte("Username:"), false, nil
		}
		l.user, l.state = resp, 2
		return []byte("Password:"), false, nil
	case 1:
		l.user, l.state = resp, 2
		return []byte("Password:"), false, nil
	}
	return nil, true, l.check(string(l.user), string(resp))
}

// serverTLS says how the test server speaks TLS.
type serverTLS int

const (
	plainServer    serverTLS = iota // no TLS at all
	startTLSServer                  // offers STARTTLS
	implicitServer                  // TLS from the first byte
)

// startMail serves a recording SMTP server on 127.0.0.1; user, when set,
// must authenticate.
func startMail(tb testing.TB, mode serverTLS, user, password string) *mailServer {
	tb.Helper()
	m := &mailServer{user: user, password: password, tries: map[string]int{}}
	srv := smtp.NewServer(m)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = mode == plainServer
	srv.ReadTimeout, srv.WriteTimeout = 30*time.Second, 30*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	if mode != plainServer {
		cert, pool := selfSigned(tb)
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
		m.tlsConfig = &tls.Config{RootCAs: pool}
		if mode == implicitServer {
			ln = tls.NewListener(ln, srv.TLSConfig)
		}
	}
	go srv.Serve(ln)
	tb.Cleanup(func() { srv.Close() })
	m.addr = ln.Addr().String()
	return m
}

// selfSigned makes a certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned(tb testing.TB) (tls.Certificate, *x509.CertPool) {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(c)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

// The test ledger: A and C Dutch, E and D English, N Dutch without an
// e-mail address; everyone owes an invoice due on 2025-03-01.
const (
	testCustomers = `customer_id,name,country,segment,kind,payment_terms_days,credit_limit,registration_id,email,phone,language
A,Alfa B.V.,NL,retail,b2b,30,,,info@alfa.example,,
E,English Ltd,GB,retail,b2b,30,,,ap@english.example,,en
C,Carla Consument,NL,consumer,b2c,14,,,carla@example.nl,,nl
D,Dave Consumer,GB,consumer,b2c,14,,,dave@example.com,,en
N,Noor Zonder Mail,NL,consumer,b2c,14,,,,,nl
`
	testInvoices = `invoice_id,customer_id,invoice_date,due_date,amount,currency,disputed,description
A1,A,2025-01-30,2025-03-01,1000.00,EUR,false,
E1,E,2025-01-30,2025-03-01,2000.00,EUR,false,
C1,C,2025-02-15,2025-03-01,300.00,EUR,false,
D1,D,2025-02-15,2025-03-01,3210.50,EUR,false,
N1,N,2025-02-15,2025-03-01,125.00,EUR,false,
N2,N,2025-02-20,2025-03-06,75.00,EUR,true,
`
)

// loadLedger ingests the test ledger into a fresh database.
func loadLedger(tb testing.TB) *store.DB {
	tb.Helper()
	db := storetest.MustOpen(tb)
	ledgertest.Ingest(tb, db, time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC),
		storetest.WriteFiles(tb, "customers.csv", testCustomers, "invoices.csv", testInvoices)...)
	return db
}

// lettersOn builds the day's letters.
func lettersOn(tb testing.TB, db *store.DB, asOf creditflow.Date) []dunning.DunningLetter {
	tb.Helper()
	ctx := context.Background()
	w, err := dunning.ComputeWorklist(ctx, db, asOf, dunning.Options{Policy: dunning.DefaultPolicy()})
	if err != nil {
		tb.Fatal(err)
	}
	letters, err := dunning.Letters(ctx, db, w, dunning.LetterOptions{Creditor: dunning.Creditor{
		Name: "Voorbeeld Groothandel B.V.", Address: "Keizersgracht 1, 1015 AA Amsterdam", IBAN: "NL91ABNA0417164300",
		BIC: "ABNANL2A", KvK: "12345678", Email: "debiteuren@voorbeeld.example"}})
	if err != nil {
		tb.Fatal(err)
	}
	return letters
}

// count returns the answer of a COUNT query.
func count(tb testing.TB, db *store.DB, query string, args ...any) int {
	tb.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// pdfPages counts the pages of a PDF written by fpdf.
func pdfPages(b []byte) int {
	return bytes.Count(b, []byte("<</Type /Page\n"))
}

// base64Decode decodes MIME base64 with its line breaks.
func base64Decode(dst, src []byte) (int, error) {
	return base64.StdEncoding.Decode(dst, bytes.ReplaceAll(bytes.ReplaceAll(src, []byte("\r"), nil), []byte("\n"), nil))
}
