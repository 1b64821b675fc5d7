package web

import (
	"net/url"

	"github.com/creditflow/creditflow"
)

// pageHead is what the top bar of every dashboard page shows
// (templates/layout.html).
type pageHead struct {
	AsOf     string // YYYY-MM-DD, the value of the date picker
	AsOfLong string // "15 March 2025"
	User     string
	Role     string
	CSRF     string
	Nav      string // the active nav link: "overview", "risk", "forecast" or "worklist"
	Action   string // where the date picker goes
	// The links of the nav keep the as-of date across pages.
	OverviewLink string
	RiskLink     string
	ForecastLink string
	WorklistLink string
}

// taglines name each dashboard under the product name, in English and in
// the Dutch term users know.
var taglines = map[string]string{
	"overview": "Receivables overview · debiteurenbeheer",
	"risk":     "Payment risk · kredietrisico",
	"forecast": "Cash forecast · liquiditeitsprognose",
	"worklist": "Collection worklist · debiteurenbeheer",
}

// pageTitles name each dashboard in the browser's title bar.
var pageTitles = map[string]string{
	"overview": "receivables overview",
	"risk":     "payment risk",
	"forecast": "cash forecast",
	"worklist": "collection worklist",
}

// PageTitle is the page's name in the title bar; pages about one thing
// (a customer) define their own.
func (h pageHead) PageTitle() string { return pageTitles[h.Nav] }

// Tagline is the line under the product name.
func (h pageHead) Tagline() string { return taglines[h.Nav] }

func (s *Server) newPageHead(sess *session, nav, action string) pageHead {
	return pageHead{User: sess.name, Role: string(sess.role), CSRF: sess.csrf, Nav: nav, Action: action,
		OverviewLink: "/", RiskLink: "/risk", ForecastLink: "/forecast", WorklistLink: "/worklist"}
}

// setAsOf fills the date of the head, and the links that keep it.
func (h *pageHead) setAsOf(asOf creditflow.Date) {
	h.AsOf = asOf.String()
	h.AsOfLong = asOf.Format("2 January 2006")
	q := "?" + url.Values{"as_of": {h.AsOf}}.Encode()
	h.OverviewLink, h.RiskLink, h.ForecastLink, h.WorklistLink = "/"+q, "/risk"+q, "/forecast"+q, "/worklist"+q
}
