package web

import (
	"net/http"
	"net/url"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/present"
)

// navEntry is one dashboard of the navigation in the top bar.
type navEntry struct {
	Key   string // the page's name, pageHead.Nav
	Path  string
	Label string // the link's text
	// Title names the page in the browser's title bar, Tagline under the
	// product name; both in English, looked up in the page's language.
	Title   string
	Tagline string
	Hint    string // the link's tooltip, or ""
	// Dated pages show the figures of an as-of date: they read as_of, and
	// the links to them keep the date across pages. The others show today.
	Dated bool
	// Role is the least role that sees the link; empty for every role.
	Role creditflow.Role
}

// navigation is the table of the dashboards, in the order of the top bar.
var navigation = []navEntry{
	{Key: "today", Path: "/today", Label: "Today", Dated: true,
		Title: "Today", Tagline: "The day's collection work"},
	{Key: "overview", Path: "/", Label: "Overview", Dated: true,
		Title: "Receivables overview", Tagline: "Receivables overview"},
	{Key: "risk", Path: "/risk", Label: "Payment risk", Dated: true,
		Title: "Payment risk", Tagline: "Payment risk of customers"},
	{Key: "forecast", Path: "/forecast", Label: "Cash forecast", Dated: true,
		Title: "Cash forecast", Tagline: "Cash forecast"},
	{Key: "worklist", Path: "/worklist", Label: "Worklist", Dated: true,
		Title: "Collection worklist", Tagline: "Collection worklist"},
	{Key: "unmatched", Path: "/unmatched", Label: "Unmatched", Hint: "Bank credits waiting to be matched",
		Title: "Unmatched bank credits", Tagline: "Bank credits to match"},
	{Key: "upload", Path: "/upload", Label: "Upload", Hint: "Load ledger files, bank statements and e-invoices",
		Title: "Upload", Tagline: "Load ledger files", Role: creditflow.RoleAdmin},
	{Key: "admin", Path: "/admin", Label: "Admin", Hint: "Users, API tokens and the audit log",
		Title: "Administration", Tagline: "Users, tokens and audit log", Role: creditflow.RoleAdmin},
}

// navEntryOf is the entry of key; the zero entry when there is none.
func navEntryOf(key string) navEntry {
	for _, e := range navigation {
		if e.Key == key {
			return e
		}
	}
	return navEntry{}
}

// pageHead is what the top bar of every dashboard page shows
// (templates/layout.html), and the error a page shows instead of its
// figures.
type pageHead struct {
	AsOf     string // YYYY-MM-DD, the value of the date picker
	AsOfLong string // "15 March 2025", "15 maart 2025"
	// Lang is the language of the page; Languages the links of the
	// language switch.
	Lang      present.Lang
	Languages []languageLink
	User      string
	Role      string
	CSRF      string
	Nav       string // the key of the page's navigation entry
	Action    string // where the date picker goes
	// Error is shown instead of the figures: a bad as_of, or a failed query.
	Error string

	// dateQuery is "?as_of=..." once the date is known: the links to
	// dated pages keep it.
	dateQuery string
}

// navLink is a link of the navigation as a page shows it.
type navLink struct {
	navEntry
	Href   string
	Active bool
}

func (s *Server) newPageHead(r *http.Request, sess *session, nav, action string) pageHead {
	l := s.lang(r)
	return pageHead{User: sess.name, Role: string(sess.role), CSRF: sess.csrf, Nav: nav, Action: action,
		Lang: l, Languages: languageLinks(l, r.URL.RequestURI())}
}

// RoleName is the user's role in words.
func (h pageHead) RoleName() string { return roleName(h.Lang, creditflow.Role(h.Role)) }

// roleName is a role in words.
func roleName(l present.Lang, r creditflow.Role) string {
	switch r {
	case creditflow.RoleAdmin:
		return l.T("administrator")
	case creditflow.RoleCollector:
		return l.T("credit controller")
	case creditflow.RoleViewer:
		return l.T("reader")
	}
	return string(r)
}

// setAsOf fills the date of the head, and the links that keep it.
func (h *pageHead) setAsOf(asOf creditflow.Date) {
	h.AsOf = asOf.String()
	h.AsOfLong = h.Lang.LongDate(asOf)
	h.dateQuery = "?" + url.Values{"as_of": {h.AsOf}}.Encode()
}

// head is the head of a page that embeds it.
func (h *pageHead) head() *pageHead { return h }

// PageTitle is the page's name in the title bar; pages about one thing
// (a customer) define their own.
func (h pageHead) PageTitle() string { return h.Lang.T(navEntryOf(h.Nav).Title) }

// Tagline is the line under the product name.
func (h pageHead) Tagline() string { return h.Lang.T(navEntryOf(h.Nav).Tagline) }

// Href is the link to the dashboard key, on the page's date when it has one.
func (h pageHead) Href(key string) string {
	e := navEntryOf(key)
	if e.Dated {
		return e.Path + h.dateQuery
	}
	return e.Path
}

// NavLinks are the links of the navigation, the page's own marked active.
func (h pageHead) NavLinks() []navLink {
	links := make([]navLink, 0, len(navigation))
	for _, e := range navigation {
		if e.Role != "" && !creditflow.Role(h.Role).Allows(e.Role) {
			continue
		}
		e.Label, e.Hint = h.Lang.T(e.Label), h.Lang.T(e.Hint)
		links = append(links, navLink{navEntry: e, Href: h.Href(e.Key), Active: e.Key == h.Nav})
	}
	return links
}
