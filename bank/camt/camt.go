package camt

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/creditflow/creditflow"
)

// Statement is one camt document: the message kind and version and the
// transactions of all its statements (reports, notifications).
type Statement struct {
	Kind     string // message kind, e.g. "camt.053"
	Version  string // message version, e.g. "camt.053.001.02"; empty without a namespace
	Account  string // IBAN (or other account id) of the first statement
	Currency string // account currency of the first statement, or of its first entry
	ID       string // Id of the first statement
	// Statements is the number of Stmt (Rpt, Ntfctn) blocks in the document.
	Statements   int
	Transactions []creditflow.BankTransaction
}

// entrySummary records an Ntry as booked, before it is split into
// transactions; the tests compare it with the fixtures' expected parse.
type entrySummary struct {
	Amount      creditflow.Money // signed
	Currency    string
	BookingDate creditflow.Date
	Txs         int // transactions produced
	TxDtls      int // TxDtls elements
}

// messageKinds maps the message element under Document to its kind.
var messageKinds = map[string]string{
	"BkToCstmrAcctRpt":      "camt.052",
	"BkToCstmrStmt":         "camt.053",
	"BkToCstmrDbtCdtNtfctn": "camt.054",
}

// recordElements maps a kind to the name of its repeated record element.
var recordElements = map[string]string{
	"camt.052": "Rpt",
	"camt.053": "Stmt",
	"camt.054": "Ntfctn",
}

// Parse reads a camt.052, camt.053 or camt.054 document from r. Name is the
// file name, used in error messages only.
func Parse(r io.Reader, name string) (Statement, error) {
	st, _, err := parse(r, name)
	return st, err
}

// node is an element of the subtrees the parser keeps (Acct, Ntry).
type node struct {
	name  string
	attrs []xml.Attr
	text  string
	kids  []*node
}

// get follows a path of local names through first children; nil if absent.
func (n *node) get(path ...string) *node {
	for _, p := range path {
		if n == nil {
			return nil
		}
		var next *node
		for _, k := range n.kids {
			if k.name == p {
				next = k
				break
			}
		}
		n = next
	}
	return n
}

// str returns the trimmed text at path, or "".
func (n *node) str(path ...string) string {
	if m := n.get(path...); m != nil {
		return strings.TrimSpace(m.text)
	}
	return ""
}

// all returns the children of n named name.
func (n *node) all(name string) []*node {
	if n == nil {
		return nil
	}
	var out []*node
	for _, k := range n.kids {
		if k.name == name {
			out = append(out, k)
		}
	}
	return out
}

func (n *node) attr(name string) string {
	if n == nil {
		return ""
	}
	for _, a := range n.attrs {
		if a.Name.Local == name {
			return strings.TrimSpace(a.Value)
		}
	}
	return ""
}

// parser holds the state of one Parse call.
type parser struct {
	name    string
	dec     *scanner
	st      Statement
	entries []entrySummary
	nEntry  int // entries seen, for error messages
}

func parse(r io.Reader, name string) (Statement, []entrySummary, error) {
	dec, err := newScanner(r)
	p := &parser{name: name, dec: dec}
	if err != nil {
		if dec == nil {
			return Statement{}, nil, fmt.Errorf("camt %s: %w", name, err)
		}
		return Statement{}, nil, p.syntaxErr(err)
	}
	if err := p.document(); err != nil {
		return Statement{}, nil, err
	}
	return p.st, p.entries, nil
}

// syntaxErr describes a malformed document with its line and byte offset.
func (p *parser) syntaxErr(err error) error {
	off := p.dec.pos
	if se, ok := asSyntaxError(err); ok {
		off = se.off
	}
	line := p.dec.line(off)
	return fmt.Errorf("camt %s: line %d (byte %d): %w: malformed XML: %v", p.name, line, off, creditflow.ErrInvalid, err)
}

func (p *parser) invalid(format string, args ...any) error {
	return fmt.Errorf("camt %s: %w: %s", p.name, creditflow.ErrInvalid, fmt.Sprintf(format, args...))
}

// next returns the next start or end element, skipping text, comments and
// processing instructions; io.EOF at the end.
func (p *parser) next() (xml.Token, error) {
	for {
		tok, err := p.dec.Token()
		if err == io.EOF {
			return nil, io.EOF
		}
		if err != nil {
			return nil, p.syntaxErr(err)
		}
		switch tok.(type) {
		case xml.StartElement, xml.EndElement:
			return tok, nil
		}
	}
}

// nextInside is next inside an element, where the end of the file is an
// error.
func (p *parser) nextInside() (xml.Token, error) {
	tok, err := p.next()
	if err == io.EOF {
		return nil, p.syntaxErr(io.ErrUnexpectedEOF)
	}
	return tok, err
}

func (p *parser) skip() error {
	if err := p.dec.Skip(); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return p.syntaxErr(err)
	}
	return nil
}

// versionOf finds "camt.05N.001.NN" in a namespace URI.
func versionOf(ns string) string {
	i := strings.Index(ns, "camt.05")
	if i < 0 || len(ns) < i+15 {
		return ""
	}
	v := ns[i : i+15]
	if v[8] != '.' || v[12] != '.' || v[9:12] != "001" || !isDigits(v[7:8]) || !isDigits(v[13:15]) {
		return ""
	}
	return v
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func (p *parser) document() error {
	tok, err := p.next()
	if err == io.EOF {
		return p.invalid("empty document: expected a camt.052, camt.053 or camt.054 Document")
	}
	if err != nil {
		return err
	}
	root, ok := tok.(xml.StartElement)
	if !ok || root.Name.Local != "Document" {
		return p.invalid("root element <%s> is not a camt.052, camt.053 or camt.054 Document", localName(tok))
	}
	version := versionOf(root.Name.Space)
	kind := ""
	if version != "" {
		kind = version[:8]
		if _, ok := recordElements[kind]; !ok {
			return p.invalid("root element <Document xmlns=%q> is %s, not camt.052, camt.053 or camt.054", root.Name.Space, kind)
		}
	} else if root.Name.Space != "" {
		return p.invalid("root element <Document xmlns=%q> is not a camt.052, camt.053 or camt.054 Document", root.Name.Space)
	}

	tok, err = p.nextInside()
	if err != nil {
		return err
	}
	msg, ok := tok.(xml.StartElement)
	if !ok {
		return p.invalid("empty Document: expected BkToCstmrStmt, BkToCstmrAcctRpt or BkToCstmrDbtCdtNtfctn")
	}
	// camt.05x.001.01 names the message with its version (BkToCstmrStmtV01).
	msgName := msg.Name.Local
	if i := strings.LastIndex(msgName, "V"); i > 0 && isDigits(msgName[i+1:]) {
		msgName = msgName[:i]
	}
	msgKind, ok := messageKinds[msgName]
	if !ok || (kind != "" && msgKind != kind) {
		return p.invalid("root element <Document> holds <%s>, expected the message of %s", msg.Name.Local, orKinds(kind))
	}
	p.st.Kind, p.st.Version = msgKind, version
	record := recordElements[msgKind]

	// Read the records; other children (GrpHdr) are skipped.
	for {
		tok, err := p.nextInside()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.EndElement: // end of the message element
			if p.st.Statements == 0 {
				return p.invalid("%s has no <%s>", msgKind, record)
			}
			return p.rest()
		case xml.StartElement:
			if t.Name.Local != record {
				if err := p.skip(); err != nil {
					return err
				}
				continue
			}
			if err := p.record(); err != nil {
				return err
			}
		}
	}
}

// rest checks that the document is well formed after the message element.
func (p *parser) rest() error {
	for {
		_, err := p.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func orKinds(kind string) string {
	if kind == "" {
		return "camt.052, camt.053 or camt.054"
	}
	return kind
}

func localName(tok xml.Token) string {
	switch t := tok.(type) {
	case xml.StartElement:
		return t.Name.Local
	case xml.EndElement:
		return "/" + t.Name.Local
	}
	return "?"
}

// record reads one Stmt, Rpt or Ntfctn; its start element has been read.
func (p *parser) record() error {
	p.st.Statements++
	first := p.st.Statements == 1
	var account, currency string
	for {
		tok, err := p.nextInside()
		if err != nil {
			return err
		}
		t, ok := tok.(xml.StartElement)
		if !ok {
			return nil // end of the record
		}
		switch t.Name.Local {
		case "Id", "Acct", "Ntry":
		default:
			if err := p.skip(); err != nil {
				return err
			}
			continue
		}
		n, err := p.tree(t)
		if err != nil {
			return err
		}
		switch n.name {
		case "Id":
			if first {
				p.st.ID = strings.TrimSpace(n.text)
			}
		case "Acct":
			account = accountID(n)
			currency = n.str("Ccy")
			if first {
				p.st.Account, p.st.Currency = account, currency
			}
		case "Ntry":
			if err := p.entry(n, account); err != nil {
				return err
			}
		}
		if first && p.st.Currency == "" && len(p.entries) > 0 {
			p.st.Currency = p.entries[0].Currency
		}
	}
}

// tree reads the element started by start into a node.
func (p *parser) tree(start xml.StartElement) (*node, error) {
	root := &node{name: start.Name.Local, attrs: start.Attr}
	stack := []*node{root}
	for len(stack) > 0 {
		tok, err := p.dec.Token()
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		if err != nil {
			return nil, p.syntaxErr(err)
		}
		top := stack[len(stack)-1]
		switch t := tok.(type) {
		case xml.StartElement:
			n := &node{name: t.Name.Local, attrs: t.Attr}
			top.kids = append(top.kids, n)
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(top.kids) == 0 {
				top.text += string(t)
			}
		}
	}
	return root, nil
}

// accountID returns the IBAN of an account element, or its other id.
func accountID(acct *node) string {
	if s := acct.str("Id", "IBAN"); s != "" {
		return s
	}
	return acct.str("Id", "Othr", "Id")
}

// parseAmount reads an ISO 20022 amount into cents. Trailing zeros beyond
// the second decimal are accepted (8.850); any other third decimal is an
// error, since Money holds cents.
func parseAmount(s, ccy string) (creditflow.Money, error) {
	s = strings.TrimSpace(s)
	if s == "" || s[0] == '-' || s[0] == '+' {
		return 0, fmt.Errorf("amount %q %s: expected a non-negative decimal", s, ccy)
	}
	if whole, frac, ok := strings.Cut(s, "."); ok && len(frac) > 2 {
		trimmed := strings.TrimRight(frac[2:], "0")
		if trimmed != "" || !isDigits(frac) {
			return 0, fmt.Errorf("amount %q %s has more than 2 decimals", s, ccy)
		}
		s = whole + "." + frac[:2]
	}
	m, err := creditflow.ParseMoney(s)
	if err != nil {
		return 0, fmt.Errorf("amount %q %s: expected a decimal like 1234.56", s, ccy)
	}
	return m, nil
}

// parseDate reads a Dt or DtTm element (BookgDt, ValDt); the calendar day
// is the one written, in the zone the bank wrote it in.
func parseDate(n *node) (creditflow.Date, error) {
	if n == nil {
		return creditflow.Date{}, nil
	}
	s := n.str("Dt")
	if s == "" {
		s = n.str("DtTm")
	}
	if s == "" {
		return creditflow.Date{}, nil
	}
	day := s
	if len(day) > 10 {
		day = day[:10]
	}
	d, err := creditflow.ParseDate(day)
	if err != nil {
		return creditflow.Date{}, fmt.Errorf("date %q: expected YYYY-MM-DD or an ISO 8601 date-time", s)
	}
	return d, nil
}

// party is the counterparty of a transaction.
type party struct{ name, iban string }

// relatedParty reads Dbtr/DbtrAcct or Cdtr/CdtrAcct; v8 wraps the party in Pty.
func relatedParty(rp *node, who string) party {
	if rp == nil {
		return party{}
	}
	name := rp.str(who, "Nm")
	if name == "" {
		name = rp.str(who, "Pty", "Nm")
	}
	if name == "" { // v8: a party that is a financial institution
		name = rp.str(who, "Agt", "FinInstnId", "Nm")
	}
	var iban string
	if acct := rp.get(who + "Acct"); acct != nil {
		iban = accountID(acct)
	}
	return party{name: name, iban: iban}
}

// entry turns one Ntry into transactions.
func (p *parser) entry(n *node, account string) error {
	p.nEntry++
	ref := n.str("AcctSvcrRef")
	if ref == "" {
		ref = n.str("NtryRef")
	}
	what := fmt.Sprintf("entry %d", p.nEntry)
	if ref != "" {
		what += fmt.Sprintf(" (%s)", ref)
	}
	bad := func(format string, args ...any) error {
		return p.invalid("%s: %s", what, fmt.Sprintf(format, args...))
	}

	amtNode := n.get("Amt")
	if amtNode == nil {
		return bad("no Amt")
	}
	amount, err := parseAmount(amtNode.text, amtNode.attr("Ccy"))
	if err != nil {
		return bad("%v", err)
	}
	currency := amtNode.attr("Ccy")
	var sign creditflow.Money
	switch ind := n.str("CdtDbtInd"); ind {
	case "CRDT":
		sign = 1
	case "DBIT":
		sign = -1
	default:
		return bad("CdtDbtInd %q: expected CRDT or DBIT", ind)
	}
	reversal := false
	switch rv := strings.ToLower(n.str("RvslInd")); rv {
	case "true", "1":
		reversal = true
	case "", "false", "0":
	default:
		return bad("RvslInd %q: expected true or false", rv)
	}
	booking, err := parseDate(n.get("BookgDt"))
	if err != nil {
		return bad("BookgDt: %v", err)
	}
	value, err := parseDate(n.get("ValDt"))
	if err != nil {
		return bad("ValDt: %v", err)
	}

	var txs []*node
	batch := 0
	for _, d := range n.all("NtryDtls") {
		txs = append(txs, d.all("TxDtls")...)
		if nb := d.str("Btch", "NbOfTxs"); nb != "" {
			if v, err := strconv.Atoi(nb); err == nil && v > 0 && v < 1e9 {
				batch += v
			}
		}
	}

	base := creditflow.BankTransaction{
		Account:     account,
		BookingDate: booking,
		ValueDate:   value,
		Amount:      sign * amount,
		Currency:    currency,
		Reversal:    reversal,
		BatchCount:  1,
	}
	// A credit's counterparty is the debtor; a reversal swaps the roles,
	// since the related parties are those of the original payment.
	counterIsDebtor := (sign > 0) != reversal

	// Split into one transaction per TxDtls only when each one has its own
	// amount; otherwise the entry stays one transaction.
	split := len(txs) > 1
	amounts := make([]creditflow.Money, len(txs))
	currencies := make([]string, len(txs))
	for i, tx := range txs {
		a := tx.get("AmtDtls", "TxAmt", "Amt")
		if a == nil {
			a = tx.get("Amt")
		}
		if a == nil {
			split = false
			continue
		}
		v, err := parseAmount(a.text, a.attr("Ccy"))
		if err != nil {
			return bad("TxDtls %d: %v", i+1, err)
		}
		amounts[i], currencies[i] = sign*v, a.attr("Ccy")
	}

	start := len(p.st.Transactions)
	switch {
	case split:
		for i, tx := range txs {
			t := base
			t.Amount, t.Currency = amounts[i], currencies[i]
			if t.Currency == "" {
				t.Currency = currency
			}
			fillTx(&t, tx, counterIsDebtor)
			t.ID = transactionID(ref, i+1, len(txs), &t)
			p.st.Transactions = append(p.st.Transactions, t)
		}
	default:
		t := base
		if len(txs) == 1 {
			fillTx(&t, txs[0], counterIsDebtor)
		} else if len(txs) > 1 {
			t.BatchCount = len(txs)
			fillCommon(&t, txs, counterIsDebtor)
		}
		if batch > t.BatchCount && len(txs) <= 1 {
			t.BatchCount = batch
		}
		// Entry-level remittance text (AddtlNtryInf) when the details have none.
		if t.RemittanceText == "" {
			t.RemittanceText = n.str("AddtlNtryInf")
		}
		t.ID = transactionID(ref, 1, 1, &t)
		p.st.Transactions = append(p.st.Transactions, t)
	}
	p.entries = append(p.entries, entrySummary{
		Amount:      sign * amount,
		Currency:    currency,
		BookingDate: booking,
		Txs:         len(p.st.Transactions) - start,
		TxDtls:      len(txs),
	})
	return nil
}

// fillTx copies the counterparty, references and remittance of a TxDtls.
func fillTx(t *creditflow.BankTransaction, tx *node, counterIsDebtor bool) {
	rp := tx.get("RltdPties")
	var cp party
	if counterIsDebtor {
		cp = relatedParty(rp, "Dbtr")
	} else {
		cp = relatedParty(rp, "Cdtr")
	}
	t.CounterName, t.CounterIBAN = cp.name, cp.iban
	if e2e := tx.str("Refs", "EndToEndId"); e2e != "" && e2e != "NOTPROVIDED" {
		t.EndToEndID = e2e
	}
	rmt := tx.get("RmtInf")
	var text []string
	for _, u := range rmt.all("Ustrd") {
		if s := strings.TrimSpace(u.text); s != "" {
			text = append(text, s)
		}
	}
	t.RemittanceText = strings.Join(text, " ")
	for _, s := range rmt.all("Strd") {
		ref := s.str("CdtrRefInf", "Ref")
		if ref == "" {
			ref = s.str("CdtrRefInf", "CdtrRef") // camt.05x.001.01
		}
		if ref != "" {
			t.StructuredRef = ref
			break
		}
	}
	if code := tx.str("RtrInf", "Rsn", "Cd"); code != "" {
		t.ReturnReason = code
	} else if code := tx.str("RtrInf", "Rsn", "Prtry"); code != "" {
		t.ReturnReason = code
	}
}

// fillCommon fills t with the details that all of txs share, for an entry
// whose transactions cannot be split because they carry no amounts.
func fillCommon(t *creditflow.BankTransaction, txs []*node, counterIsDebtor bool) {
	var c creditflow.BankTransaction
	fillTx(&c, txs[0], counterIsDebtor)
	for _, tx := range txs[1:] {
		var o creditflow.BankTransaction
		fillTx(&o, tx, counterIsDebtor)
		keep := func(a *string, b string) {
			if *a != b {
				*a = ""
			}
		}
		keep(&c.CounterName, o.CounterName)
		keep(&c.CounterIBAN, o.CounterIBAN)
		keep(&c.EndToEndID, o.EndToEndID)
		keep(&c.StructuredRef, o.StructuredRef)
		keep(&c.RemittanceText, o.RemittanceText)
		keep(&c.ReturnReason, o.ReturnReason)
	}
	t.CounterName, t.CounterIBAN, t.EndToEndID = c.CounterName, c.CounterIBAN, c.EndToEndID
	t.StructuredRef, t.RemittanceText, t.ReturnReason = c.StructuredRef, c.RemittanceText, c.ReturnReason
}

// transactionID is the bank's reference (with the index within the entry
// when it holds several transactions), else a hash of the fields that
// tell entries apart, stable across overlapping statements.
func transactionID(ref string, i, n int, t *creditflow.BankTransaction) string {
	if ref != "" {
		if n > 1 {
			return ref + "/" + strconv.Itoa(i)
		}
		return ref
	}
	h := sha256.New()
	for _, f := range []string{
		t.Account, t.BookingDate.String(), t.ValueDate.String(), t.Amount.String(), t.Currency,
		strconv.FormatBool(t.Reversal), t.CounterIBAN, t.CounterName, t.EndToEndID,
		t.StructuredRef, t.RemittanceText, strconv.Itoa(i), strconv.Itoa(n),
	} {
		h.Write([]byte(f))
		h.Write([]byte{0})
	}
	return "h:" + hex.EncodeToString(h.Sum(nil)[:12])
}
