package ubl

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/creditflow/creditflow"
)

// Document kinds.
const (
	KindInvoice    = "invoice"
	KindCreditNote = "credit_note"
)

// UBL 2.1 namespaces that Parse matches elements in.
const (
	nsInvoice    = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
	nsCreditNote = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
	nsCAC        = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
	nsCBC        = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
	nsUBLPrefix  = "urn:oasis:names:specification:ubl:schema:xsd:"
)

// maxSize bounds what Parse reads, so that one upload cannot exhaust memory;
// the largest EN 16931 examples are about 20 kB.
const maxSize = 32 << 20

// maxDepth bounds element nesting; UBL invoices nest about 8 deep.
const maxDepth = 100

// Document is one UBL invoice or credit note.
type Document struct {
	// Kind is KindInvoice or KindCreditNote.
	Kind string
	// Invoice has a negative Amount for a credit note.
	Invoice  creditflow.Invoice
	Customer creditflow.Customer
	// PaymentTerms is the free text of cac:PaymentTerms/cbc:Note.
	PaymentTerms string
	// PaymentReference is the remittance reference (cbc:PaymentID) the buyer
	// is asked to quote; payments are matched on it.
	PaymentReference string
	// Address is the buyer's street, city and postal zone in one line.
	Address string
	// PrecedingInvoice is the invoice a credit note (or corrective invoice)
	// refers to, from cac:BillingReference.
	PrecedingInvoice string
}

// node is one element of the parsed tree.
type node struct {
	name     xml.Name
	attrs    []xml.Attr
	text     string
	children []*node
	line     int // line of the start tag
}

// child returns the first child with the local name, in a UBL namespace.
func (n *node) child(local string) *node {
	if n == nil {
		return nil
	}
	for _, c := range n.children {
		if c.name.Local == local && isUBL(c.name.Space) {
			return c
		}
	}
	return nil
}

// all returns the children with the local name, in a UBL namespace.
func (n *node) all(local string) []*node {
	if n == nil {
		return nil
	}
	var out []*node
	for _, c := range n.children {
		if c.name.Local == local && isUBL(c.name.Space) {
			out = append(out, c)
		}
	}
	return out
}

// path follows child elements by local name.
func (n *node) path(locals ...string) *node {
	for _, l := range locals {
		n = n.child(l)
	}
	return n
}

// value returns the trimmed text at path, or "" when it is missing.
func (n *node) value(locals ...string) string {
	if m := n.path(locals...); m != nil {
		return m.text
	}
	return ""
}

func isUBL(space string) bool {
	switch space {
	case nsInvoice, nsCreditNote, nsCAC, nsCBC:
		return true
	}
	return false
}

// Parse reads one UBL invoice or credit note from r; name is the file name
// used in error messages. Errors about the content wrap creditflow.ErrInvalid
// and name the file, the line and the element expected.
func Parse(r io.Reader, name string) (Document, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxSize+1))
	if err != nil {
		return Document{}, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > maxSize {
		return Document{}, fmt.Errorf("%w: %s: larger than %d MB", creditflow.ErrInvalid, name, maxSize>>20)
	}
	root, err := parseTree(data, name)
	if err != nil {
		return Document{}, err
	}
	p := parser{name: name, root: root}
	return p.document()
}

// parseTree decodes data into a tree of elements.
func parseTree(data []byte, name string) (*node, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	// Peppol BIS Billing 3.0 requires UTF-8; say so instead of the
	// decoder's remark about a missing CharsetReader.
	d.CharsetReader = func(charset string, _ io.Reader) (io.Reader, error) {
		return nil, fmt.Errorf("encoding %q: expected UTF-8", charset)
	}
	// lineAt counts lines incrementally; offsets only grow while decoding.
	var lastOff, lastLine int64 = 0, 1
	lineAt := func(off int64) int {
		off = min(max(off, lastOff), int64(len(data)))
		lastLine += int64(bytes.Count(data[lastOff:off], []byte("\n")))
		lastOff = off
		return int(lastLine)
	}
	var (
		root  *node
		stack []*node
		text  [][]byte
	)
	for {
		off := d.InputOffset()
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			line := lineAt(d.InputOffset())
			if errors.As(err, &se) {
				return nil, fmt.Errorf("%w: %s:%d: malformed XML: %s", creditflow.ErrInvalid, name, se.Line, se.Msg)
			}
			return nil, fmt.Errorf("%w: %s:%d: malformed XML: %v", creditflow.ErrInvalid, name, line, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if root != nil && len(stack) == 0 {
				return nil, fmt.Errorf("%w: %s:%d: malformed XML: a second root element <%s>", creditflow.ErrInvalid, name, lineAt(off), t.Name.Local)
			}
			if len(stack) >= maxDepth {
				return nil, fmt.Errorf("%w: %s:%d: elements nested deeper than %d", creditflow.ErrInvalid, name, lineAt(off), maxDepth)
			}
			n := &node{name: t.Name, attrs: t.Attr, line: lineAt(off)}
			if len(stack) == 0 {
				root = n
			} else {
				parent := stack[len(stack)-1]
				parent.children = append(parent.children, n)
			}
			stack = append(stack, n)
			text = append(text, nil)
		case xml.EndElement:
			// The decoder has checked that start and end tags match.
			n := stack[len(stack)-1]
			n.text = strings.TrimSpace(string(text[len(text)-1]))
			stack = stack[:len(stack)-1]
			text = text[:len(text)-1]
		case xml.CharData:
			if len(text) > 0 {
				text[len(text)-1] = append(text[len(text)-1], t...)
			} else if len(bytes.TrimSpace(t)) > 0 {
				return nil, fmt.Errorf("%w: %s:%d: malformed XML: text outside the root element", creditflow.ErrInvalid, name, lineAt(off))
			}
		}
	}
	if root == nil {
		return nil, fmt.Errorf("%w: %s:%d: malformed XML: expected a root element <Invoice> or <CreditNote>", creditflow.ErrInvalid, name, lineAt(int64(len(data))))
	}
	return root, nil
}

type parser struct {
	name string
	root *node
}

// invalid returns an error about the element at n (or the document end).
func (p *parser) invalid(n *node, format string, args ...any) error {
	line := 1
	if n != nil {
		line = n.line
	}
	return fmt.Errorf("%w: %s:%d: %s", creditflow.ErrInvalid, p.name, line, fmt.Sprintf(format, args...))
}

// require returns the non-empty text at path below n, or an error naming
// the element expected.
func (p *parser) require(n *node, locals ...string) (*node, error) {
	cur := n
	for i, l := range locals {
		next := cur.child(l)
		if next == nil {
			return nil, p.invalid(cur, "<%s>: expected element %s", qualified(cur), prefixed(locals[i:]))
		}
		cur = next
	}
	if cur.text == "" {
		return nil, p.invalid(cur, "<%s>: expected a value", qualified(cur))
	}
	return cur, nil
}

func (p *parser) document() (Document, error) {
	root := p.root
	var doc Document
	switch {
	case root.name.Local == "Invoice" && root.name.Space == nsInvoice:
		doc.Kind = KindInvoice
	case root.name.Local == "CreditNote" && root.name.Space == nsCreditNote:
		doc.Kind = KindCreditNote
	case strings.HasPrefix(root.name.Space, nsUBLPrefix) && root.name.Local != "Invoice" && root.name.Local != "CreditNote":
		return Document{}, fmt.Errorf("%w: %s: a UBL %s is not an invoice or credit note", creditflow.ErrInvalid, p.name, root.name.Local)
	default:
		return Document{}, p.invalid(root, "root element <%s> (namespace %q): expected a UBL 2.1 <Invoice> or <CreditNote>", root.name.Local, root.name.Space)
	}

	id, err := p.require(root, "ID")
	if err != nil {
		return Document{}, err
	}
	inv := &doc.Invoice
	inv.ID = id.text

	issue, err := p.require(root, "IssueDate")
	if err != nil {
		return Document{}, err
	}
	if inv.InvoiceDate, err = p.date(issue); err != nil {
		return Document{}, err
	}

	payable, err := p.require(root, "LegalMonetaryTotal", "PayableAmount")
	if err != nil {
		return Document{}, err
	}
	amount, err := creditflow.ParseMoney(payable.text)
	if err != nil {
		return Document{}, p.invalid(payable, "<cbc:PayableAmount> %q: expected a decimal amount with at most two decimals", payable.text)
	}
	if doc.Kind == KindCreditNote {
		// UBL states a credit note's payable amount as positive; in
		// creditflow a credit note is a negative invoice.
		amount = -amount
	}
	inv.Amount = amount

	inv.Currency = root.value("DocumentCurrencyCode")
	if inv.Currency == "" {
		inv.Currency = payable.attr("currencyID")
	}

	var notes []string
	for _, n := range root.all("Note") {
		if n.text != "" {
			notes = append(notes, n.text)
		}
	}
	inv.Description = strings.Join(notes, "\n")

	for _, t := range root.all("PaymentTerms") {
		if s := t.value("Note"); s != "" {
			doc.PaymentTerms = s
			break
		}
	}
	for _, m := range root.all("PaymentMeans") {
		if s := m.value("PaymentID"); s != "" {
			doc.PaymentReference = s
			break
		}
	}
	doc.PrecedingInvoice = root.value("BillingReference", "InvoiceDocumentReference", "ID")

	if err := p.dueDate(root, &doc); err != nil {
		return Document{}, err
	}
	if err := p.buyer(root, &doc); err != nil {
		return Document{}, err
	}
	return doc, nil
}

// dueDate sets the due date from cbc:DueDate, else the first
// cac:PaymentMeans/cbc:PaymentDueDate, else payment terms like "Payment
// within 30 days"; otherwise it stays zero and the ingest default applies.
func (p *parser) dueDate(root *node, doc *Document) error {
	n := root.child("DueDate")
	if n == nil || n.text == "" {
		n = nil
		for _, m := range root.all("PaymentMeans") {
			if d := m.child("PaymentDueDate"); d != nil && d.text != "" {
				n = d
				break
			}
		}
	}
	if n != nil && n.text != "" {
		d, err := p.date(n)
		if err != nil {
			return err
		}
		doc.Invoice.DueDate = d
		return nil
	}
	if days, ok := termsDays(doc.PaymentTerms); ok {
		doc.Invoice.DueDate = doc.Invoice.InvoiceDate.AddDays(days)
	}
	return nil
}

// netTerms matches the common ways of saying "pay within N days": "net 30",
// "30 days net", "30 dagar netto", "Payment within 30 days". A discount
// clause ("2 % discount if paid within 2 days") is not a due date.
var netTerms = regexp.MustCompile(`(?i)(?:\bnet(?:to)?\s+(\d{1,3})\b|\b(\d{1,3})\s*(?:days?|dagen|dagar|dage|tage|jours)\s+(?:net|netto)\b|^\s*(?:payment\s+)?(?:due\s+)?within\s+(\d{1,3})\s+days?\b)`)

// termsDays returns the payment term in days stated in free text.
func termsDays(terms string) (int, bool) {
	m := netTerms.FindStringSubmatch(terms)
	if m == nil {
		return 0, false
	}
	for _, s := range m[1:] {
		if s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil || n > 365 {
			return 0, false
		}
		return n, true
	}
	return 0, false
}

// buyer fills the customer from cac:AccountingCustomerParty/cac:Party.
func (p *parser) buyer(root *node, doc *Document) error {
	acp := root.child("AccountingCustomerParty")
	if acp == nil {
		return p.invalid(root, "<%s>: expected element cac:AccountingCustomerParty (the buyer)", qualified(root))
	}
	party := acp.child("Party")
	if party == nil {
		return p.invalid(acp, "<cac:AccountingCustomerParty>: expected element cac:Party")
	}
	c := &doc.Customer
	c.Kind = creditflow.B2B
	c.Name = oneLine(party.value("PartyName", "Name"))
	legalName := oneLine(party.value("PartyLegalEntity", "RegistrationName"))
	if c.Name == "" {
		c.Name = legalName
	}
	legalID := party.value("PartyLegalEntity", "CompanyID")
	var taxID string
	for _, ts := range party.all("PartyTaxScheme") {
		if s := ts.value("CompanyID"); s != "" {
			taxID = s
			break
		}
	}
	c.RegistrationID = firstOf(legalID, taxID)
	var partyID string
	for _, pi := range party.all("PartyIdentification") {
		if s := pi.value("ID"); s != "" {
			partyID = s
			break
		}
	}
	c.ID = firstOf(legalID, partyID, party.value("EndpointID"), c.Name)
	if c.ID == "" {
		return p.invalid(party, "<cac:Party> of the buyer: expected an identifier (cac:PartyLegalEntity/cbc:CompanyID, cac:PartyIdentification/cbc:ID or cbc:EndpointID) or a name (cac:PartyName/cbc:Name)")
	}
	doc.Invoice.CustomerID = c.ID

	addr := party.child("PostalAddress")
	c.Country = addr.value("Country", "IdentificationCode")
	var parts []string
	for _, s := range []string{addr.value("StreetName"), addr.value("AdditionalStreetName"), addr.value("CityName"), addr.value("PostalZone")} {
		if s = oneLine(s); s != "" {
			parts = append(parts, s)
		}
	}
	doc.Address = strings.Join(parts, ", ")

	c.Email = party.value("Contact", "ElectronicMail")
	c.Phone = party.value("Contact", "Telephone")
	return nil
}

// date reads an xsd:date, which may carry a zone ("2019-01-25Z",
// "2019-01-25+01:00"); the zone is dropped, as a due date is a calendar day.
func (p *parser) date(n *node) (creditflow.Date, error) {
	s := n.text
	if len(s) > 10 {
		zone := s[10:]
		if zone == "Z" || (len(zone) == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
			s = s[:10]
		}
	}
	d, err := creditflow.ParseDate(s)
	if err != nil {
		return creditflow.Date{}, p.invalid(n, "<%s> %q: expected a date YYYY-MM-DD", qualified(n), n.text)
	}
	return d, nil
}

// attr returns the value of the unqualified attribute local, or "".
func (n *node) attr(local string) string {
	for _, a := range n.attrs {
		if a.Name.Local == local && a.Name.Space == "" {
			return strings.TrimSpace(a.Value)
		}
	}
	return ""
}

// oneLine collapses runs of white space, such as a name wrapped over two
// lines in the XML, into single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func firstOf(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// qualified names an element with its conventional UBL prefix.
func qualified(n *node) string {
	switch n.name.Space {
	case nsCAC:
		return "cac:" + n.name.Local
	case nsCBC:
		return "cbc:" + n.name.Local
	}
	return n.name.Local
}

// prefixed writes a path of local names with the prefixes UBL uses: the
// last element is a basic component (cbc), the others aggregates (cac).
func prefixed(locals []string) string {
	parts := make([]string, len(locals))
	for i, l := range locals {
		if i == len(locals)-1 {
			parts[i] = "cbc:" + l
		} else {
			parts[i] = "cac:" + l
		}
	}
	return strings.Join(parts, "/")
}
