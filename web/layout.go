package web

import (
	"net/url"

	"github.com/creditflow/creditflow"
)

// navEntry is one dashboard of the navigation in the top bar.
type navEntry struct {
	Key   string // the page's name, pageHead.Nav
	Path  string
	Label string // the link's text
	// Title names the page in the browser's title bar, Tagline under the
	// product name, in English and in the Dutch term users know.
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
	{Key: "overview", Path: "/", Label: "Overview", Dated: true,
		Title: "receivables overview", Tagline: "Receivables overview · debiteurenbeheer"},
	{Key: "risk", Path: "/risk", Label: "Payment risk", Dated: true,
		Title: "payment risk", Tagline: "Payment risk · kredietrisico"},
	{Key: "forecast", Path: "/forecast", Label: "Cash forecast", Dated: true,
		Title: "cash forecast", Tagline: "Cash forecast · liquiditeitsprognose"},
	{Key: "worklist", Path: "/worklist", Label: "Worklist", Dated: true,
		Title: "collection worklist", Tagline: "Collection worklist · debiteurenbeheer"},
	{Key: "unmatched", Path: "/unmatched", Label: "Unmatched", Hint: "Bank credits waiting to be matched"},
	{Key: "upload", Path: "/upload", Label: "Upload", Hint: "Load ledger files, bank statements and e-invoices",
		Title: "upload", Tagline: "Upload · gegevens inlezen", Role: creditflow.RoleAdmin},
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
	AsOfLong string // "15 March 2025"
	User     string
	Role     string
	CSRF     string
	Nav      string // the key of the page's navigation entry
	Action   string // where the date picker goes
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

func (s *Server) newPageHead(sess *session, nav, action string) pageHead {
	return pageHead{User: sess.name, Role: string(sess.role), CSRF: sess.csrf, Nav: nav, Action: action}
}

// setAsOf fills the date of the head, and the links that keep it.
func (h *pageHead) setAsOf(asOf creditflow.Date) {
	h.AsOf = asOf.String()
	h.AsOfLong = asOf.Format("2 January 2006")
	h.dateQuery = "?" + url.Values{"as_of": {h.AsOf}}.Encode()
}

// head is the head of a page that embeds it.
func (h *pageHead) head() *pageHead { return h }

// PageTitle is the page's name in the title bar; pages about one thing
// (a customer) define their own.
func (h pageHead) PageTitle() string { return navEntryOf(h.Nav).Title }

// Tagline is the line under the product name.
func (h pageHead) Tagline() string { return navEntryOf(h.Nav).Tagline }

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
		links = append(links, navLink{navEntry: e, Href: h.Href(e.Key), Active: e.Key == h.Nav})
	}
	return links
}
