package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
)

// loginPage is the login form: name and password, or an API token.
type loginPage struct {
	Error string
	Next  string
	Name  string // the name tried, to fill in again
	// TokenOpen opens the token form: the token was tried, or there are no
	// users yet to log in by name.
	TokenOpen bool
	// Languages are the links of the language switch.
	Languages []languageLink
}

func (s *Server) newLoginPage(r *http.Request, next string) loginPage {
	return loginPage{Next: next, Languages: languageLinks(s.lang(r), r.URL.RequestURI())}
}

func (s *Server) handleLoginPage(w http.ResponseWriter, r *http.Request) {
	page := s.newLoginPage(r, safeNext(r.URL.Query().Get("next")))
	page.TokenOpen = s.noUsers(r)
	s.render(w, r, "login.html", page)
}

// noUsers reports whether nobody can log in by name yet.
func (s *Server) noUsers(r *http.Request) bool {
	us, err := s.auth.Users(r.Context())
	return err == nil && len(us) == 0
}

// handleLogin opens a session for a user's name and password, or for an
// API token, and sets its cookie.
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.FormValue("next"))
	var (
		id   string
		sess app.Session
		page = s.newLoginPage(r, next)
		l    = s.lang(r)
		err  error
	)
	if token := strings.TrimSpace(r.FormValue("token")); token != "" || r.FormValue("name") == "" {
		page.TokenOpen = true
		id, sess, err = s.auth.LoginToken(r.Context(), token)
		page.Error = l.T("That token is unknown or revoked.")
	} else {
		page.Name = strings.TrimSpace(r.FormValue("name"))
		id, sess, err = s.auth.Login(r.Context(), page.Name, r.FormValue("password"))
		page.Error = l.T("Unknown name or wrong password.")
	}
	if errors.Is(err, creditflow.ErrUnauthorized) {
		s.renderStatus(w, r, http.StatusUnauthorized, "login.html", page)
		return
	}
	if err != nil {
		s.log.ErrorContext(r.Context(), "login", "err", err)
		page.Error = l.T("Logging in failed. The error is in the server log; try again in a moment.")
		s.renderStatus(w, r, http.StatusInternalServerError, "login.html", page)
		return
	}
	if next == "/" && sess.Role == creditflow.RoleCollector {
		next = "/today" // a credit controller starts the day there
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil, MaxAge: int(app.SessionMaxAge.Seconds())})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// handleLogout ends the session of the cookie.
func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	p, err := s.authenticate(r) // checks the CSRF token
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if p.session != nil {
		if err := s.auth.Logout(r.Context(), p.session.id, p.who); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	s.endCookie(w, r)
}

// handleLogoutEverywhere ends every session of the cookie's user (or
// token), on every browser.
func (s *Server) handleLogoutEverywhere(w http.ResponseWriter, r *http.Request) {
	p, err := s.authenticate(r) // checks the CSRF token
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.auth.LogoutEverywhere(r.Context(), p.who); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.endCookie(w, r)
}

// endCookie clears the session cookie and goes to the login page.
func (s *Server) endCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// safeNext keeps redirects after login inside the service.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if next == "" || err != nil || u.IsAbs() || u.Host != "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return "/"
	}
	return next
}

// requirePage sends visitors without a session to the login page.
func (s *Server) requirePage(next func(http.ResponseWriter, *http.Request, *session)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess, err := s.findSession(r)
		if err != nil {
			if !errors.Is(err, creditflow.ErrUnauthorized) {
				s.log.ErrorContext(r.Context(), "read session", "err", err)
			}
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		// The principal goes with the request, so that s.lang finds the
		// user's language.
		next(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, sess.principal)), sess)
	}
}
