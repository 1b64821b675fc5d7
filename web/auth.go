package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/store"
)

// principal is who makes a request.
type principal struct {
	name    string
	role    creditflow.Role
	session *session // nil for bearer tokens
}

// checkToken finds the role of a bearer token.
func checkToken(ctx context.Context, db *store.DB, token string) (principal, error) {
	name, role, err := app.CheckToken(ctx, db, token)
	if err != nil {
		return principal{}, err
	}
	return principal{name: name, role: role}, nil
}

// sessionCookie is the dashboard's session cookie.
const sessionCookie = "creditflow_session"

// sessionTTL is how long a dashboard login lasts.
const sessionTTL = 12 * time.Hour

type session struct {
	principal
	csrf    string
	expires time.Time
}

// sessions are kept in memory: a restart of the service logs everyone out,
// which is acceptable for a dashboard behind a token.
type sessions struct {
	mu   sync.Mutex
	byID map[string]*session
}

func (ss *sessions) create(p principal, now time.Time) (string, *session) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	id := app.RandomHex(32)
	s := &session{principal: p, csrf: app.RandomHex(16), expires: now.Add(sessionTTL)}
	s.session = s
	for k, v := range ss.byID { // sweep expired sessions while we hold the lock
		if now.After(v.expires) {
			delete(ss.byID, k)
		}
	}
	ss.byID[app.HashSecret(id)] = s
	return id, s
}

func (ss *sessions) get(id string, now time.Time) *session {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s := ss.byID[app.HashSecret(id)]
	if s == nil || now.After(s.expires) {
		return nil
	}
	return s
}

func (ss *sessions) remove(id string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	delete(ss.byID, app.HashSecret(id))
}

type ctxKey struct{}

func principalFrom(ctx context.Context) principal {
	p, _ := ctx.Value(ctxKey{}).(principal)
	return p
}

// authenticate finds the principal of a request from its bearer token or
// its session cookie. Cookie requests that change state must carry the
// session's CSRF token in the X-CSRF-Token header (or a csrf_token form
// field); bearer requests are not sent by browsers on their own, so need none.
func (s *Server) authenticate(r *http.Request) (principal, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return principal{}, fmt.Errorf("%w: expected Authorization: Bearer TOKEN", creditflow.ErrUnauthorized)
		}
		return checkToken(r.Context(), s.db, strings.TrimSpace(token))
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return principal{}, fmt.Errorf("%w: missing bearer token", creditflow.ErrUnauthorized)
	}
	sess := s.sessions.get(c.Value, s.now())
	if sess == nil {
		return principal{}, fmt.Errorf("%w: session expired; log in again", creditflow.ErrUnauthorized)
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		got := r.Header.Get("X-CSRF-Token")
		if got == "" {
			if err := parseForm(r); err != nil {
				return principal{}, err
			}
			got = r.FormValue("csrf_token")
		}
		if subtle.ConstantTimeCompare([]byte(got), []byte(sess.csrf)) != 1 {
			return principal{}, fmt.Errorf("%w: missing or wrong CSRF token", creditflow.ErrForbidden)
		}
	}
	return sess.principal, nil
}

// requireRole wraps an API handler: 401 without valid credentials, 403 when
// the role is too low.
func (s *Server) requireRole(need creditflow.Role, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := s.authenticate(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if !p.role.Allows(need) {
			s.writeError(w, r, fmt.Errorf("%w: role %s may not do this; needs %s", creditflow.ErrForbidden, p.role, need))
			return
		}
		next(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, p)))
	}
}

// errTooLarge is a request body over the server's limit.
var errTooLarge = errors.New("request body too large")

// parseForm parses a urlencoded or multipart form, telling a body over the
// limit (see limitBody) from other trouble.
func parseForm(r *http.Request) error {
	err := r.ParseMultipartForm(32 << 20)
	if errors.Is(err, http.ErrNotMultipart) {
		err = r.ParseForm()
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return fmt.Errorf("%w: upload too large: more than %d bytes", errTooLarge, tooBig.Limit)
	}
	if err != nil {
		return fmt.Errorf("%w: cannot read the form: %v", creditflow.ErrInvalid, err)
	}
	return nil
}
