package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
)

// principal is who makes a request.
type principal struct {
	name    string
	role    creditflow.Role
	session *session // nil for bearer tokens
	// who is the whole of it: a user or a token, its language and last
	// visit.
	who app.Principal
}

// LastVisit is the user's previous visit before this session began (for a
// session opened with a token, the token's previous use); zero when there
// was none, and for bearer requests. "New since your last visit" counts
// from it.
func (p principal) LastVisit() time.Time { return p.who.LastVisit }

// Lang is the user's preferred language, "nl" or "en"; empty for the
// browser's choice.
func (p principal) Lang() string { return p.who.Lang }

// actor names the principal in the audit log.
func (p principal) actor() string { return p.who.Actor() }

func principalOf(p app.Principal) principal {
	return principal{name: p.Name, role: p.Role, who: p}
}

// sessionCookie is the dashboard's session cookie.
const sessionCookie = "creditflow_session"

// session is a dashboard login: sessions slide, ending app.SessionIdle
// after the last request and at most app.SessionMaxAge after the login.
// They are kept in the database, so that a restart logs nobody out.
type session struct {
	principal
	id      string // the cookie's value
	csrf    string
	expires time.Time
}

func sessionOf(id string, as app.Session) *session {
	s := &session{principal: principalOf(as.Principal), id: id, csrf: as.CSRF, expires: as.ExpiresAt}
	s.session = s
	return s
}

// findSession is the session of the request's cookie, or nil.
func (s *Server) findSession(r *http.Request) (*session, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, fmt.Errorf("%w: missing bearer token", creditflow.ErrUnauthorized)
	}
	as, err := s.auth.Session(r.Context(), c.Value)
	if err != nil {
		return nil, err
	}
	return sessionOf(c.Value, as), nil
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
		p, err := s.auth.CheckBearer(r.Context(), strings.TrimSpace(token))
		if err != nil {
			return principal{}, err
		}
		return principalOf(p), nil
	}
	sess, err := s.findSession(r)
	if err != nil {
		return principal{}, err
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
