package app

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/store"
)

// Session lifetimes. A dashboard session slides: it ends SessionIdle after
// its last request, but never later than SessionMaxAge after the login.
const (
	SessionIdle   = 12 * time.Hour
	SessionMaxAge = 7 * 24 * time.Hour
)

const (
	// sessionCacheFor is how long a session read from the database is
	// trusted before it is read again: changes made by this process (log
	// out, a removed user, a revoked token) take effect at once, changes
	// of another process on the same file within this time.
	sessionCacheFor = time.Minute
	// touchEvery is how often at most the last use of a session or of an
	// API token is written.
	touchEvery = time.Minute
	// DefaultLoginFailDelay is how long a failed login waits before it
	// answers, to slow down guessing.
	DefaultLoginFailDelay = 500 * time.Millisecond
)

// Principal is who does something: a user, an API token, or, as the zero
// Principal, the creditflow command line.
type Principal struct {
	Kind    PrincipalKind
	Name    string // the user's name, or the token's
	TokenID string // the token's id, for a token
	Role    creditflow.Role
	// Lang is the user's preferred language ("nl", "en"); empty for the
	// browser's choice, and for tokens.
	Lang string
	// LastVisit is the user's previous login before this session began
	// (for a session opened with a token, the token's previous use); zero
	// when there was none and for bearer requests. Pages show what is
	// "new since your last visit" with it.
	LastVisit time.Time
}

// PrincipalKind says what a principal is.
type PrincipalKind string

// Kinds of principals.
const (
	PrincipalCLI   PrincipalKind = ""
	PrincipalUser  PrincipalKind = "user"
	PrincipalToken PrincipalKind = "token"
)

// Actor is how the audit log names the principal: "user:anna",
// "api:NAME" for a token, "cli" for the command line.
func (p Principal) Actor() string {
	switch p.Kind {
	case PrincipalUser:
		return "user:" + p.Name
	case PrincipalToken:
		return "api:" + p.Name
	}
	return "cli"
}

// isUser reports whether p is the user name.
func (p Principal) isUser(name string) bool {
	return p.Kind == PrincipalUser && strings.EqualFold(p.Name, name)
}

// Session is a dashboard login.
type Session struct {
	Principal
	// CSRF must come with every change a browser asks for.
	CSRF                             string
	CreatedAt, ExpiresAt, LastSeenAt time.Time
}

// AuthConfig is what Auth needs.
type AuthConfig struct {
	DB     *store.DB
	Now    func() time.Time
	Logger *slog.Logger
	// Rand is the source of session ids, tokens and salts; crypto/rand
	// when nil.
	Rand io.Reader
	// FailDelay is how long a failed login waits; DefaultLoginFailDelay
	// when zero, none when negative.
	FailDelay time.Duration
}

// Auth keeps the users, the API tokens and the dashboard sessions, and
// audits every change of them. Sessions live in the database, so that they
// outlive a restart, with a cache in front so that a request does not
// read the database. It is safe for concurrent use.
type Auth struct {
	db        *store.DB
	now       func() time.Time
	log       *slog.Logger
	rand      io.Reader
	failDelay time.Duration

	dummyOnce sync.Once
	dummy     string // a password hash to check when the user is unknown

	mu sync.Mutex
	// sessions are the sessions read lately, by the hash of their id.
	sessions map[string]*cachedSession
	// tokenUsed is when the last use of each token was written, by id.
	tokenUsed map[string]time.Time
}

type cachedSession struct {
	s       Session
	read    time.Time // when it was read from the database
	written time.Time // the last_seen_at of the database
}

// NewAuth returns the keeper of users, tokens and sessions of cfg.DB.
func NewAuth(cfg AuthConfig) *Auth {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	switch {
	case cfg.FailDelay == 0:
		cfg.FailDelay = DefaultLoginFailDelay
	case cfg.FailDelay < 0:
		cfg.FailDelay = 0
	}
	return &Auth{db: cfg.DB, now: cfg.Now, log: cfg.Logger, rand: cfg.Rand, failDelay: cfg.FailDelay,
		sessions: map[string]*cachedSession{}, tokenUsed: map[string]time.Time{}}
}

// errBadLogin is the one answer to a wrong name or password, so that it
// does not tell which names exist.
var errBadLogin = fmt.Errorf("%w: unknown name or wrong password", creditflow.ErrUnauthorized)

// Login checks a user's name and password and opens a session, whose id
// (for the cookie) it returns with it. It records the login as the user's
// last visit; the session keeps the visit before. A wrong password gets the
// same answer as an unknown name, after a delay.
func (a *Auth) Login(ctx context.Context, name, password string) (string, Session, error) {
	u, hash, err := a.findUser(ctx, a.db, name)
	ok := false
	switch {
	case err == nil:
		ok = checkPassword(hash, password)
	case errors.Is(err, creditflow.ErrNotFound):
		checkPassword(a.dummyHash(), password) // as long as a known name takes
	default:
		return "", Session{}, fmt.Errorf("login: %w", err)
	}
	if !ok {
		return "", Session{}, a.failLogin(ctx, map[string]any{"name": strings.TrimSpace(name), "with": "password"})
	}
	p := Principal{Kind: PrincipalUser, Name: u.Name, Role: u.Role, Lang: u.Lang}
	if u.LastVisitAt != nil {
		p.LastVisit = *u.LastVisitAt
	}
	return a.openSession(ctx, p, func(tx *sql.Tx, now time.Time) error {
		_, err := tx.ExecContext(ctx, store.Query("user_visit"), now, u.Name)
		return err
	})
}

// LoginToken opens a session with an API token. The session's last visit
// is the token's previous use.
func (a *Auth) LoginToken(ctx context.Context, token string) (string, Session, error) {
	p, lastUsed, err := a.checkToken(ctx, token)
	if errors.Is(err, creditflow.ErrUnauthorized) {
		return "", Session{}, a.failLogin(ctx, map[string]any{"with": "token"})
	}
	if err != nil {
		return "", Session{}, fmt.Errorf("login: %w", err)
	}
	if lastUsed != nil {
		p.LastVisit = *lastUsed
	}
	return a.openSession(ctx, p, func(tx *sql.Tx, now time.Time) error {
		a.noteTokenUse(p.TokenID, now)
		_, err := tx.ExecContext(ctx, store.Query("api_token_used"), now, p.TokenID)
		return err
	})
}

// failLogin audits a failed login, waits the delay and returns the answer.
func (a *Auth) failLogin(ctx context.Context, detail map[string]any) error {
	if err := a.db.WriteTx(ctx, func(tx *sql.Tx) error {
		return audit(ctx, tx, a.now(), "anonymous", "login_failed", detail)
	}); err != nil {
		a.log.WarnContext(ctx, "audit failed login", "err", err)
	}
	t := time.NewTimer(a.failDelay)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
	return errBadLogin
}

// dummyHash is a hash that no password matches in practice, computed once.
func (a *Auth) dummyHash() string {
	a.dummyOnce.Do(func() {
		h, err := hashPassword(randomHex(a.rand, 16), a.rand)
		if err != nil {
			h = "$argon2id$v=19$m=65536,t=3,p=2$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		}
		a.dummy = h
	})
	return a.dummy
}

// openSession stores a new session of p, with more done in its
// transaction by also, and audits the login.
func (a *Auth) openSession(ctx context.Context, p Principal, also func(tx *sql.Tx, now time.Time) error) (string, Session, error) {
	now := a.now().UTC()
	id := randomHex(a.rand, 32)
	s := Session{Principal: p, CSRF: randomHex(a.rand, 16), CreatedAt: now, LastSeenAt: now, ExpiresAt: sessionEnd(now, now)}
	var user, token, prev any
	detail := map[string]any{"name": p.Name}
	if p.Kind == PrincipalUser {
		user = p.Name
	} else {
		token = p.TokenID
		detail["token_id"] = p.TokenID
	}
	if !p.LastVisit.IsZero() {
		prev = p.LastVisit
	}
	hash := HashSecret(id)
	err := a.db.WriteTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, store.Query("session_delete_expired"), now); err != nil {
			return err
		}
		if err := also(tx, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, store.Query("session_insert"), hash, s.CSRF, user, token, prev, now, s.ExpiresAt, now); err != nil {
			return err
		}
		return audit(ctx, tx, now, p.Actor(), "login", detail)
	})
	if err != nil {
		return "", Session{}, fmt.Errorf("open session: %w", err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for k, c := range a.sessions { // forget the ended sessions
		if !now.Before(c.s.ExpiresAt) {
			delete(a.sessions, k)
		}
	}
	a.sessions[hash] = &cachedSession{s: s, read: now, written: now}
	return id, s, nil
}

// sessionEnd is when a session made at created and last seen at seen ends.
func sessionEnd(created, seen time.Time) time.Time {
	end := seen.Add(SessionIdle)
	if max := created.Add(SessionMaxAge); end.After(max) {
		return max
	}
	return end
}

// Session returns the session of id, which must not have ended, and moves
// its end on. Its user's or token's role and language are the current ones.
func (a *Auth) Session(ctx context.Context, id string) (Session, error) {
	hash := HashSecret(id)
	now := a.now().UTC()
	a.mu.Lock()
	c := a.sessions[hash]
	if c == nil || now.Sub(c.read) >= sessionCacheFor || !now.Before(c.s.ExpiresAt) {
		delete(a.sessions, hash)
		a.mu.Unlock()
		var err error
		if c, err = a.readSession(ctx, hash, now); err != nil {
			return Session{}, err
		}
		a.mu.Lock()
		a.sessions[hash] = c
	}
	c.s.LastSeenAt = now
	c.s.ExpiresAt = sessionEnd(c.s.CreatedAt, now)
	s, written := c.s, c.written
	a.mu.Unlock()
	if now.Sub(written) >= touchEvery {
		a.touchSession(ctx, hash, s)
	}
	return s, nil
}

// errSessionEnded is the answer for a session that is unknown or has ended.
var errSessionEnded = fmt.Errorf("%w: session expired; log in again", creditflow.ErrUnauthorized)

// readSession reads a session from the database.
func (a *Auth) readSession(ctx context.Context, hash string, now time.Time) (*cachedSession, error) {
	var (
		c           = &cachedSession{read: now}
		user, token sql.NullString
		prev        sql.NullTime
		role        string
		s           = &c.s
	)
	err := a.db.QueryRowContext(ctx, store.Query("session_find"), hash, now).Scan(&s.CSRF, &user, &token, &prev,
		&s.CreatedAt, &s.ExpiresAt, &s.LastSeenAt, &s.Name, &role, &s.Lang)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errSessionEnded
	}
	if err != nil {
		return nil, fmt.Errorf("read session: %w", err)
	}
	s.Role = creditflow.Role(role)
	s.Kind = PrincipalUser
	if token.Valid {
		s.Kind, s.TokenID = PrincipalToken, token.String
	}
	if prev.Valid {
		s.LastVisit = prev.Time
	}
	c.written = s.LastSeenAt
	return c, nil
}

// touchSession writes when s was last seen, unless a long write holds the
// database: then a later request does it.
func (a *Auth) touchSession(ctx context.Context, hash string, s Session) {
	ok, err := a.db.TryWriteTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, store.Query("session_touch"), s.LastSeenAt, s.ExpiresAt, hash)
		return err
	})
	if err != nil {
		a.log.WarnContext(ctx, "write when a session was last seen", "err", err)
		return
	}
	if ok {
		a.mu.Lock()
		if c := a.sessions[hash]; c != nil && c.written.Before(s.LastSeenAt) {
			c.written = s.LastSeenAt
		}
		a.mu.Unlock()
	}
}

// Logout ends the session of id.
func (a *Auth) Logout(ctx context.Context, id string, by Principal) error {
	hash := HashSecret(id)
	err := a.db.WriteTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, store.Query("session_delete"), hash); err != nil {
			return err
		}
		return audit(ctx, tx, a.now(), by.Actor(), "logout", map[string]any{"name": by.Name})
	})
	a.mu.Lock()
	delete(a.sessions, hash)
	a.mu.Unlock()
	if err != nil {
		return fmt.Errorf("log out: %w", err)
	}
	return nil
}

// LogoutEverywhere ends every session of by's user, or of by's token.
func (a *Auth) LogoutEverywhere(ctx context.Context, by Principal) error {
	err := a.db.WriteTx(ctx, func(tx *sql.Tx) error {
		if err := a.endSessionsOf(ctx, tx, by); err != nil {
			return err
		}
		return audit(ctx, tx, a.now(), by.Actor(), "logout_everywhere", map[string]any{"name": by.Name})
	})
	if err != nil {
		return fmt.Errorf("log out everywhere: %w", err)
	}
	return nil
}

// endSessionsOf deletes every session of p's user or token, and forgets
// them here.
func (a *Auth) endSessionsOf(ctx context.Context, tx *sql.Tx, p Principal) error {
	var err error
	switch p.Kind {
	case PrincipalUser:
		_, err = tx.ExecContext(ctx, store.Query("session_delete_user"), p.Name)
	case PrincipalToken:
		_, err = tx.ExecContext(ctx, store.Query("session_delete_token"), p.TokenID)
	default:
		return nil
	}
	if err != nil {
		return err
	}
	a.forget(p)
	return nil
}

// forget drops the cached sessions of p's user or token, so that the next
// request reads them again: after a change of role, removal or revocation.
func (a *Auth) forget(p Principal) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for k, c := range a.sessions {
		if c.s.Kind == p.Kind && (p.Kind == PrincipalUser && c.s.Name == p.Name || p.Kind == PrincipalToken && c.s.TokenID == p.TokenID) {
			delete(a.sessions, k)
		}
	}
}

// audit writes one line of the audit log.
func audit(ctx context.Context, tx *sql.Tx, at time.Time, actor, action string, detail any) error {
	if actor == "" {
		actor = Principal{}.Actor()
	}
	b, err := json.Marshal(detail)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, store.Query("audit_insert"), at.UTC(), actor, action, string(b))
	return err
}

// randomHex returns n bytes of r in hex.
func randomHex(r io.Reader, n int) string {
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		panic(fmt.Sprintf("app: no randomness: %v", err)) // as crypto/rand does
	}
	return hex.EncodeToString(b)
}
