package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/present"
	"github.com/creditflow/creditflow/search"
)

// The search box of the top bar: GET /api/search answers its suggestions
// as one types, GET /search lists every match grouped by kind.

const (
	// searchDefaultLimit and searchMaxLimit bound GET /api/search.
	searchDefaultLimit = 10
	searchMaxLimit     = 100
	// searchPageLimit is the most matches of each kind on /search.
	searchPageLimit = 50
	// searchMaxQuery is the longest text searched, in bytes.
	searchMaxQuery = 200
	// invoiceAnchor is the id of the row of the invoice a search found on
	// the customer page.
	invoiceAnchor = "found-invoice"
)

// searchKind is how the pages name a kind of match.
type searchKind struct {
	Kind search.Kind
	// Label names one match ("Customer"); One and Many count them, as the
	// heading of their group on /search ("1 customer", "3 customers").
	Label, One, Many string
}

// searchKinds are the kinds, in the order of search.Kinds.
var searchKinds = []searchKind{
	{search.Customer, "Customer", "1 customer", "%s customers"},
	{search.Invoice, "Invoice", "1 invoice", "%s invoices"},
	{search.IBAN, "Bank account", "1 bank account", "%s bank accounts"},
	{search.Payment, "Payment", "1 payment", "%s payments"},
	{search.BankTransaction, "Bank transaction", "1 bank transaction", "%s bank transactions"},
}

func searchKindOf(k search.Kind) searchKind {
	for _, sk := range searchKinds {
		if sk.Kind == k {
			return sk
		}
	}
	return searchKind{Kind: k, Label: string(k), One: "1", Many: "%s"}
}

// searchResult is one match as GET /api/search answers it and the pages
// show it: what it is, in the reader's language, and where to open it.
type searchResult struct {
	Kind      search.Kind `json:"kind"`
	KindLabel string      `json:"kind_label"`
	Label     string      `json:"label"`
	Detail    string      `json:"detail"`
	Link      string      `json:"link"`
	// CustomerID is the customer of the match; empty for a bank credit
	// nobody could place.
	CustomerID string `json:"customer_id,omitempty"`
	InvoiceID  string `json:"invoice_id,omitempty"`
	// Exact is true when the whole name, number, IBAN or reference is what
	// was typed.
	Exact bool `json:"exact"`
}

// searchAnswer is GET /api/search.
type searchAnswer struct {
	Query   string         `json:"query"`
	Results []searchResult `json:"results"`
}

// searchParams reads ?q= and ?kind= (one or more kinds, comma-separated).
func searchParams(r *http.Request) (string, []search.Kind, error) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if len(q) > searchMaxQuery {
		return "", nil, fmt.Errorf("%w: q: %d bytes; at most %d", creditflow.ErrInvalid, len(q), searchMaxQuery)
	}
	var kinds []search.Kind
	for _, v := range r.URL.Query()["kind"] {
		for _, name := range strings.Split(v, ",") {
			if name = strings.TrimSpace(name); name == "" {
				continue
			}
			k, ok := search.ParseKind(name)
			if !ok {
				return "", nil, fmt.Errorf("%w: kind %q: expected customer, invoice, iban, payment or bank_transaction", creditflow.ErrInvalid, name)
			}
			kinds = append(kinds, k)
		}
	}
	return q, kinds, nil
}

// handleSearch is GET /api/search?q=&limit=&kind=: the best matches first,
// at most limit.
func (s *Server) handleSearch(r *http.Request) (any, error) {
	q, kinds, err := searchParams(r)
	if err != nil {
		return nil, err
	}
	limit, _, err := pageParams(r, searchDefaultLimit, searchMaxLimit)
	if err != nil {
		return nil, err
	}
	hits, err := s.app.Search(r.Context(), search.Query{Text: q, Limit: limit, Kinds: kinds})
	if err != nil {
		return nil, err
	}
	l := s.lang(r)
	ans := searchAnswer{Query: q, Results: make([]searchResult, 0, min(len(hits), limit))}
	for _, h := range hits[:min(len(hits), limit)] {
		ans.Results = append(ans.Results, newSearchResult(l, h))
	}
	return ans, nil
}

// newSearchResult words hit in l.
func newSearchResult(l present.Lang, h search.Hit) searchResult {
	res := searchResult{Kind: h.Kind, KindLabel: l.T(searchKindOf(h.Kind).Label), CustomerID: h.CustomerID, InvoiceID: h.InvoiceID,
		Exact: h.Rank == search.Exact, Link: searchLink(h.CustomerID, h.InvoiceID)}
	who := h.CustomerName
	switch h.Kind {
	case search.Customer:
		res.Label, res.Detail = h.CustomerName, l.Tf("Customer %s", h.CustomerID)
		res.InvoiceID = ""
		res.Link = searchLink(h.CustomerID, "")
	case search.Invoice:
		res.Label = h.InvoiceID
		var state string
		switch {
		case h.Amount < 0:
			state = l.T("credit note")
		case h.SettledOn.IsZero():
			state = l.T("open")
		default:
			state = l.Tf("paid on %s", l.LongDate(h.SettledOn))
		}
		res.Detail = joinDetail(who, l.Money(h.Currency, h.Amount), l.Tf("dated %s", l.LongDate(h.Date)), state)
	case search.IBAN:
		res.Label = groupIBAN(h.Key)
		res.Detail = joinDetail(who, h.CustomerID)
	case search.Payment:
		res.Label = h.Key
		res.Detail = joinDetail(who, l.Tf("paid %s on %s", money(l, h.Currency, h.Amount), l.LongDate(h.Date)), invoiceNote(l, h.InvoiceID))
	case search.BankTransaction:
		res.Label = h.Key
		paid := l.Tf("%s on %s", money(l, h.Currency, h.Amount), l.LongDate(h.Date))
		switch h.Status {
		case "unmatched":
			// Nobody knows the customer yet: the payer says most.
			if h.Payer != "" {
				res.Label = h.Payer
			}
			res.Detail = joinDetail(l.T("waiting to be matched"), paid, h.Key)
			res.Link = unmatchedLink(h.EntryNo, h.QueuePos)
		case "returned":
			res.Detail = joinDetail(l.T("returned direct debit"), who, paid)
		default:
			res.Detail = joinDetail(l.T("booked"), who, paid, invoiceNote(l, h.InvoiceID))
		}
	}
	if res.Label == "" {
		res.Label = h.Key
	}
	return res
}

// money writes an amount in its currency, or as a bare amount when the
// currency is not known.
func money(l present.Lang, cur string, m creditflow.Money) string {
	if cur == "" {
		return l.Amount(m)
	}
	return l.Money(cur, m)
}

// invoiceNote names the invoice a payment was booked on, if any.
func invoiceNote(l present.Lang, invoice string) string {
	if invoice == "" {
		return ""
	}
	return l.Tf("invoice %s", invoice)
}

// joinDetail joins the non-empty parts of a detail line with " · ".
func joinDetail(parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, " · ")
}

// groupIBAN writes an IBAN in groups of four, as on a bank card:
// "NL91 ABNA 0417 1643 00".
func groupIBAN(iban string) string {
	var b strings.Builder
	for i, r := range iban {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// searchLink opens a customer's page, on the row of invoice (its open
// items or its payment history) when one is given. Without a customer it
// is the search page's own empty link.
func searchLink(customer, invoice string) string {
	if customer == "" {
		return ""
	}
	link := "/customers/" + url.PathEscape(customer)
	if invoice != "" {
		link += "?" + url.Values{"invoice": {invoice}}.Encode() + "#" + invoiceAnchor
	}
	return link
}

// unmatchedLink opens the page of the unmatched queue that shows
// transaction entry, at pos in the queue, on its row.
func unmatchedLink(entry int64, pos int) string {
	link := "/unmatched"
	if off := pos / unmatchedPageSize * unmatchedPageSize; off > 0 {
		link += "?offset=" + strconv.Itoa(off)
	}
	return link + "#tx-" + strconv.FormatInt(entry, 10)
}

// searchPage is the data of search.html: every match of the query,
// grouped by kind.
type searchPage struct {
	pageHead
	Query  string
	Groups []searchGroup
	// Count says how many matches there are, for the title.
	Count string
}

// searchGroup is the matches of one kind.
type searchGroup struct {
	Kind search.Kind
	// Count counts them, as the group's heading: "3 invoices".
	Count   string
	Results []searchResult
	// More is true when the kind has more matches than the page shows.
	More bool
}

// PageTitle names the page after what was searched.
func (p searchPage) PageTitle() string {
	if p.Query == "" {
		return p.Lang.T("Search")
	}
	return p.Lang.Tf("Search: %s", p.Query)
}

// Tagline is the line under the product name.
func (p searchPage) Tagline() string { return p.Lang.T("Customers, invoices and payments") }

// countKind counts n matches of kind k in l: "1 invoice", "3 invoices".
func countKind(l present.Lang, k searchKind, n int) string {
	if n == 1 {
		return l.T(k.One)
	}
	return l.Tf(k.Many, l.Count(n))
}

// countMatches counts n matches in l.
func countMatches(l present.Lang, n int) string {
	if n == 1 {
		return l.T("1 match")
	}
	return l.Tf("%s matches", l.Count(n))
}

// handleSearchPage is GET /search?q=: every match grouped by kind. When
// the exact matches all belong to one customer (an invoice number, a
// customer id, an IBAN typed in full) and there is nothing else exact, it
// goes straight to the first of them.
func (s *Server) handleSearchPage(w http.ResponseWriter, r *http.Request, sess *session) {
	q, kinds, err := searchParams(r)
	load := func(ctx context.Context, _ creditflow.Date) ([]search.Hit, error) {
		if err != nil {
			return nil, &pageError{status: http.StatusBadRequest, msg: err.Error()}
		}
		return s.app.Search(ctx, search.Query{Text: q, Limit: searchPageLimit, Kinds: kinds})
	}
	if err == nil && q != "" {
		// Straight to the one thing meant, before any page is written.
		hits, ferr := s.app.Search(r.Context(), search.Query{Text: q, Limit: searchPageLimit, Kinds: kinds})
		if ferr == nil {
			if link := exactLink(hits); link != "" {
				http.Redirect(w, r, link, http.StatusSeeOther)
				return
			}
		}
		load = func(context.Context, creditflow.Date) ([]search.Hit, error) { return hits, ferr }
	}
	fill := func(hits []search.Hit, p *searchPage) error {
		p.Query = q
		p.Count = countMatches(p.Lang, len(hits))
		for _, k := range searchKinds {
			g := searchGroup{Kind: k.Kind}
			for _, h := range hits {
				if h.Kind == k.Kind {
					g.Results = append(g.Results, newSearchResult(p.Lang, h))
				}
			}
			if len(g.Results) == 0 {
				continue
			}
			g.More = len(g.Results) >= searchPageLimit
			g.Count = countKind(p.Lang, k, len(g.Results))
			p.Groups = append(p.Groups, g)
		}
		return nil
	}
	servePage(s, w, r, sess, pageSpec{nav: "search", template: "search.html", action: "/", failed: "The search failed."},
		&searchPage{}, load, fill)
}

// exactLink is where to go when the exact hits all lead to one customer:
// the link of the first (an invoice before a payment naming it); "" when
// nothing is exact or the exact hits are of several customers or none.
func exactLink(hits []search.Hit) string {
	var first *search.Hit
	for i, h := range hits {
		if h.Rank != search.Exact {
			continue
		}
		if h.CustomerID == "" || (first != nil && h.CustomerID != first.CustomerID) {
			return ""
		}
		if first == nil {
			first = &hits[i]
		}
	}
	if first == nil {
		return ""
	}
	return newSearchResult(present.EN, *first).Link
}
