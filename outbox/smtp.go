package outbox

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/mail"
	"strings"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// TLSMode says how the connection to the mail server is protected.
type TLSMode string

// TLS modes.
const (
	// TLSAuto upgrades with STARTTLS when the server offers it, and
	// otherwise sends in the clear; credentials are then only sent to a
	// server on the local host.
	TLSAuto TLSMode = "auto"
	// TLSStartTLS requires STARTTLS (submission, port 587).
	TLSStartTLS TLSMode = "starttls"
	// TLSImplicit speaks TLS from the first byte (port 465).
	TLSImplicit TLSMode = "tls"
	// TLSNone never uses TLS: a relay on the local host only.
	TLSNone TLSMode = "none"
)

// Auth mechanisms.
const (
	AuthPlain = "plain"
	AuthLogin = "login"
)

// SMTPConfig is the mail server and the sender. Flags and the environment
// fill it (see FromEnv); Password is never printed.
type SMTPConfig struct {
	Addr     string  // host:port
	TLS      TLSMode // default TLSAuto
	User     string  // optional: no AUTH without it
	Password string
	// Auth is AuthPlain or AuthLogin; empty picks PLAIN when the server
	// offers it, else LOGIN.
	Auth string
	// From is the sender address, e.g. "Debiteuren <debiteuren@example.nl>".
	From string
	// TLSConfig, when set, is used for the TLS handshake (tests trust
	// their own certificate with it).
	TLSConfig *tls.Config
	// Timeout bounds each command; default 1 minute.
	Timeout time.Duration
}

// Environment variables that FromEnv reads.
const (
	EnvAddr     = "CREDITFLOW_SMTP_ADDR"
	EnvUser     = "CREDITFLOW_SMTP_USER"
	EnvPassword = "CREDITFLOW_SMTP_PASSWORD"
	EnvFrom     = "CREDITFLOW_SMTP_FROM"
	EnvTLS      = "CREDITFLOW_SMTP_TLS"
	EnvAuth     = "CREDITFLOW_SMTP_AUTH"
)

// FromEnv fills the fields of c that are empty from the environment.
func (c *SMTPConfig) FromEnv(getenv func(string) string) {
	set := func(dst *string, key string) {
		if *dst == "" {
			*dst = strings.TrimSpace(getenv(key))
		}
	}
	set(&c.Addr, EnvAddr)
	set(&c.User, EnvUser)
	set(&c.From, EnvFrom)
	set(&c.Auth, EnvAuth)
	if c.Password == "" {
		c.Password = getenv(EnvPassword)
	}
	if c.TLS == "" {
		c.TLS = TLSMode(strings.ToLower(strings.TrimSpace(getenv(EnvTLS))))
	}
}

// Enabled reports whether a server is configured.
func (c SMTPConfig) Enabled() bool { return c.Addr != "" }

// Validate checks the settings before anything is sent.
func (c SMTPConfig) Validate() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("%w: smtp address %q: expected host:port", creditflow.ErrInvalid, c.Addr)
	}
	switch c.TLS {
	case "", TLSAuto, TLSStartTLS, TLSImplicit, TLSNone:
	default:
		return fmt.Errorf("%w: smtp tls %q: expected auto, starttls, tls or none", creditflow.ErrInvalid, c.TLS)
	}
	switch strings.ToLower(c.Auth) {
	case "", AuthPlain, AuthLogin:
	default:
		return fmt.Errorf("%w: smtp auth %q: expected plain or login", creditflow.ErrInvalid, c.Auth)
	}
	if _, err := mail.ParseAddress(c.From); err != nil {
		return fmt.Errorf("%w: smtp sender %q: %v", creditflow.ErrInvalid, c.From, err)
	}
	return nil
}

// String describes the configuration without the password.
func (c SMTPConfig) String() string {
	s := fmt.Sprintf("smtp %s tls=%s from=%s", c.Addr, c.tlsMode(), c.From)
	if c.User != "" {
		s += " user=" + c.User
	}
	return s
}

func (c SMTPConfig) tlsMode() TLSMode {
	if c.TLS == "" {
		return TLSAuto
	}
	return c.TLS
}

// ErrNoSession marks a failure to connect, greet, start TLS or
// authenticate: no message was tried, and the next ones would fail alike.
var ErrNoSession = errors.New("no session with the mail server")

// ErrUncertain marks a failure after the whole message was handed to the
// server but before it answered: the message may have been delivered.
var ErrUncertain = errors.New("the server did not confirm the message; it may have been delivered")

// SMTP sends messages through one mail server, keeping the connection open
// between messages. It is not safe for concurrent use; Close ends the
// session.
type SMTP struct {
	cfg  SMTPConfig
	host string
	c    *smtp.Client
	conn net.Conn
}

// NewSMTP checks cfg and returns a client; it connects on the first Send.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = time.Minute
	}
	host, _, _ := net.SplitHostPort(cfg.Addr)
	return &SMTP{cfg: cfg, host: host}, nil
}

// From is the sender address of the messages.
func (s *SMTP) From() string { return s.cfg.From }

// connect dials the server and says hello, upgrading to TLS and
// authenticating as configured.
func (s *SMTP) connect(ctx context.Context) error {
	tlsCfg := s.cfg.TLSConfig
	if tlsCfg == nil {
		tlsCfg = &tls.Config{}
	}
	if tlsCfg.ServerName == "" {
		tlsCfg = tlsCfg.Clone()
		tlsCfg.ServerName = s.host
	}
	mode := s.cfg.tlsMode()
	dial := func() (net.Conn, error) {
		d := net.Dialer{Timeout: s.cfg.Timeout}
		conn, err := d.DialContext(ctx, "tcp", s.cfg.Addr)
		if err != nil {
			return nil, fmt.Errorf("connect %s: %w", s.cfg.Addr, err)
		}
		if mode == TLSImplicit {
			conn = tls.Client(conn, tlsCfg)
		}
		return conn, nil
	}
	conn, err := dial()
	if err != nil {
		return err
	}
	c := smtp.NewClient(conn)
	fail := func(err error) error {
		c.Close()
		return fmt.Errorf("smtp %s: %w", s.cfg.Addr, err)
	}
	encrypted := mode == TLSImplicit
	startTLS := mode == TLSStartTLS
	if mode == TLSAuto {
		// The client upgrades only as it greets the server: ask what the
		// server offers, then start again with STARTTLS when it does.
		if err := c.Hello("localhost"); err != nil {
			return fail(err)
		}
		if ok, _ := c.Extension("STARTTLS"); ok {
			c.Quit()
			startTLS = true
			if conn, err = dial(); err != nil {
				return err
			}
		}
	}
	if startTLS {
		if c, err = smtp.NewClientStartTLS(conn, tlsCfg); err != nil {
			conn.Close()
			return fmt.Errorf("smtp %s: starttls: %w", s.cfg.Addr, err)
		}
		encrypted = true
	}
	c.CommandTimeout, c.SubmissionTimeout = s.cfg.Timeout, 2*s.cfg.Timeout
	if s.cfg.User != "" {
		if !encrypted && !isLocal(s.host) {
			return fail(errors.New("refusing to send the password without TLS to a server that is not on this host"))
		}
		mech := strings.ToLower(s.cfg.Auth)
		if mech == "" {
			mech = AuthLogin
			if c.SupportsAuth("PLAIN") {
				mech = AuthPlain
			}
		}
		var a sasl.Client
		if mech == AuthPlain {
			a = sasl.NewPlainClient("", s.cfg.User, s.cfg.Password)
		} else {
			a = sasl.NewLoginClient(s.cfg.User, s.cfg.Password)
		}
		if err := c.Auth(a); err != nil {
			return fail(fmt.Errorf("auth %s as %s: %w", strings.ToUpper(mech), s.cfg.User, err))
		}
	}
	s.c, s.conn = c, conn
	return nil
}

// isLocal reports whether host is this machine.
func isLocal(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Send hands msg to the server for the recipients to. A failure closes
// the connection (the next Send opens a new one). Errors from the server
// are *smtp.SMTPError (Temporary for 4xx); a failure after the message was
// handed over wraps ErrUncertain.
func (s *SMTP) Send(ctx context.Context, from string, to []string, msg []byte) (err error) {
	if s.c == nil {
		if err := s.connect(ctx); err != nil {
			return fmt.Errorf("%w: %w", ErrNoSession, err)
		}
	}
	stop := context.AfterFunc(ctx, func() { s.conn.Close() })
	defer func() {
		// A message the server accepted counts even when ctx ended
		// meanwhile: reporting it unsent would send it twice.
		stop()
		if err != nil {
			s.drop()
		}
	}()
	if err := s.c.Mail(from, nil); err != nil {
		return fmt.Errorf("MAIL FROM: %w", err)
	}
	for _, r := range to {
		if err := s.c.Rcpt(r, nil); err != nil {
			return fmt.Errorf("RCPT TO %s: %w", r, err)
		}
	}
	w, err := s.c.Data()
	if err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		var se *smtp.SMTPError
		if errors.As(err, &se) {
			return fmt.Errorf("message: %w", err)
		}
		return fmt.Errorf("message: %w: %v", ErrUncertain, err)
	}
	return nil
}

// drop closes the connection without a goodbye.
func (s *SMTP) drop() {
	if s.c != nil {
		s.c.Close()
		s.c, s.conn = nil, nil
	}
}

// Close ends the session politely.
func (s *SMTP) Close() error {
	if s.c == nil {
		return nil
	}
	err := s.c.Quit()
	s.drop()
	if errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}
