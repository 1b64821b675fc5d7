package web

import (
	"html/template"
	"net/http"
	"net/url"

	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/present"
)

// langCookie keeps the language a user chose on this browser.
const langCookie = "creditflow_lang"

// languages are the languages of the pages, in the order of the switch in
// the top bar.
var languages = []present.Lang{present.NL, present.EN}

// lang is the language of the pages for r: the language a logged-in user
// prefers, else the one chosen with the switch in the top bar, else the one
// the browser prefers, else Dutch.
func (s *Server) lang(r *http.Request) present.Lang {
	if l, ok := present.ParseLang(principalFrom(r.Context()).Lang()); ok {
		return l
	}
	if c, err := r.Cookie(langCookie); err == nil {
		if l, ok := present.ParseLang(c.Value); ok {
			return l
		}
	}
	return present.FromAcceptLanguage(r.Header.Get("Accept-Language"), s.defLang)
}

// handleLanguage switches the language of this browser's pages and goes
// back to the page it came from: GET /language?lang=nl&next=/risk. A
// logged-in user's choice becomes their preferred language, on every
// browser. It changes a preference only, so it needs no CSRF token (and the
// session cookie is SameSite=Strict: other sites cannot send it here).
func (s *Server) handleLanguage(w http.ResponseWriter, r *http.Request) {
	l, ok := present.ParseLang(r.URL.Query().Get("lang"))
	if !ok {
		http.Error(w, "unknown language; expected nl or en", http.StatusBadRequest)
		return
	}
	if sess, err := s.findSession(r); err == nil && sess.who.Kind == app.PrincipalUser && sess.Lang() != l.Code() {
		code := l.Code()
		if _, err := s.auth.ChangeUser(r.Context(), sess.who, sess.name, app.UserChange{Lang: &code}); err != nil {
			s.log.WarnContext(r.Context(), "keep the preferred language", "user", sess.name, "err", err)
		}
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l.Code(), Path: "/", MaxAge: 400 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
}

// languageLink is one choice of the language switch.
type languageLink struct {
	Code, Label, Href string
	Active            bool
}

// languageLinks are the links of the language switch on a page at uri.
func languageLinks(current present.Lang, uri string) []languageLink {
	links := make([]languageLink, 0, len(languages))
	for _, l := range languages {
		label := "Nederlands"
		if l == present.EN {
			label = "English"
		}
		links = append(links, languageLink{Code: l.Code(), Label: label, Active: l == current,
			Href: "/language?" + url.Values{"lang": {l.Code()}, "next": {uri}}.Encode()})
	}
	return links
}

// langFuncs are the template functions that write in l: its texts and its
// formats of money, numbers and dates.
func langFuncs(l present.Lang) template.FuncMap {
	return template.FuncMap{
		"t":         l.T,
		"tf":        l.Tf,
		"money":     l.Money,
		"amount":    l.Amount,
		"count":     l.Count,
		"number":    l.Number,
		"pct":       l.Percent,
		"days":      l.Days,
		"date":      l.Date,
		"longdate":  l.LongDate,
		"monthyear": l.MonthYear,
		"langcode":  l.Code,
	}
}
