package match

import (
	"slices"
	"strings"

	"github.com/creditflow/creditflow"
)

// Invoice is an open invoice as the matcher sees it.
type Invoice struct {
	ID, CustomerID string
	Date           creditflow.Date  // invoice date
	Open           creditflow.Money // amount still open (0 when settled); credit notes are not passed
	// Amount is the invoice's amount; zero means Open. A settled invoice
	// named with its whole amount is most likely paid by that payment.
	Amount creditflow.Money
	// PaymentReference is a payment reference stored with the invoice
	// (betalingskenmerk, RF creditor reference or another string); optional.
	PaymentReference string
}

// Customer is a debtor, with the name that payers are compared to.
type Customer struct{ ID, Name string }

// Rule names the rule that found a match; it is stored with the booking.
type Rule string

// Rules, from the most to the least certain.
const (
	RuleStructuredReference Rule = "structured_reference" // a valid betalingskenmerk names the invoice
	RuleRFReference         Rule = "rf_reference"         // a valid RF creditor reference names the invoice
	RuleInvoiceInText       Rule = "invoice_in_text"      // invoice numbers found in the remittance text
	RuleIBANAmount          Rule = "iban_amount"          // known IBAN, amount of one open invoice
	RuleIBANAmountSet       Rule = "iban_amount_set"      // known IBAN, amount of 2-4 open invoices together
	RuleIBANCustomer        Rule = "iban_customer"        // known IBAN, no amount fits: booked to the customer
	RuleNameAmount          Rule = "name_amount"          // similar name, amount of one open invoice
	RuleName                Rule = "name"                 // similar name only
)

// Match is one way to book a credit transaction.
type Match struct {
	CustomerID string
	// InvoiceIDs are the invoices paid, oldest first; empty means the
	// payment is booked to the customer and allocated oldest first.
	InvoiceIDs []string
	Rule       Rule
	Confidence float64 // probability-like score in [0,1]
}

// LearnConfidence is the confidence from which a booking teaches the
// matcher that the payer's IBAN belongs to the customer. It is above the
// amount-only rules, so that only a reference or an invoice number (or a
// person, through Learn) can link a new account to a customer.
const LearnConfidence = 0.9

// Confidences of the rules. The order structured reference > invoice number
// in text > known IBAN > name is the spec's; the numbers are chosen so that
// the default threshold of 0.8 books automatically what a careful clerk
// would, and sends the rest to a person.
//
//	rule / case                                          confidence
//	structured_reference, rf_reference: valid, one open   0.99
//	  same, the invoice is already paid (double payment?) 0.90
//	  neither the amount nor the payer's IBAN or name
//	  confirms the invoice (a mistyped kenmerk can pass
//	  its check digit)                                     0.78
//	  same, the number fits several invoices               0.70 (+0.10 to the one whose open amount equals the payment)
//	invoice_in_text: one invoice                          0.95 (+0.03 when the amount equals its open amount)
//	  several invoices of one customer (combined payment)  0.93 (+0.03 when the amount equals their sum)
//	  the amount is more than the invoices named            same; the rest stays on the customer's account
//	  the amount does not equal the open amount, and
//	  neither IBAN nor payer name points at the customer   0.78 (a mistyped number can name another invoice)
//	  one invoice named, but the amount is exactly the open
//	  amount of one other invoice of that customer whose
//	  number is one typing error away (a typo, or just the
//	  next invoice: a person decides)                       0.78 for both
//	  only already paid invoices found                     0.75 (0.85 when IBAN or name points at the customer,
//	                                                       0.92 when also the amount is the invoice's whole amount)
//	  invoices of several customers                        0.60 (+0.05 amount equals the sum, +0.04 IBAN known for it; < 0.7)
//	  payer's IBAN is known for another customer           0.90 when the amount equals the open amount (the
//	                                                       IBAN is then shared: a bookkeeper, a payment provider),
//	                                                       else at most 0.75
//	iban_amount: amount equals one open invoice           0.90 (0.85 to the customer without invoices when the
//	                                                       amount is whole euros and a bigger invoice is open:
//	                                                       it may be a part payment of that one)
//	  several open invoices with that amount               0.85, booked to the customer without invoices: which
//	                                                       one was meant is unknowable, the customer is not
//	iban_amount_set: 2-4 of the 25 oldest open invoices    0.85 (to the customer without invoices when another
//	                                                       invoice of the same amount could replace one of them)
//	iban_customer: known IBAN, no amount fits              0.82 when the payer's name is the customer's (≥ 0.5),
//	                                                       else 0.75 (0.65 when nothing is open)
//	name_amount: name similarity s, amount of an invoice   0.85·s (0.82·s, to the customer without invoices, when
//	                                                       several invoices have that amount);
//	                                                       at most 0.70 when another customer's name is as similar
//	name: name similarity s ≥ 0.5, no amount fits         0.60·s
//
// The amount-only matches stay at or below 0.9, so a known IBAN with an
// amount never outranks an invoice number the payer wrote.
const (
	confRef               = 0.99
	confRefPaid           = 0.90
	confRefAmbiguous      = 0.70
	confRefAmbiguousBonus = 0.10
	confRefUnconfirmed    = 0.78
	// confirmingNameSimilarity is how alike the payer's name must be to the
	// customer's to confirm a reference or invoice number: names shared by a
	// word or two are common among 50,000 customers.
	confirmingNameSimilarity = 0.8
	confText                 = 0.95
	confTextSet              = 0.93
	confTextAmountBonus      = 0.03
	confTextPaid             = 0.75
	confTextAmbiguous        = 0.60
	confTextAmbiguousMax     = 0.69
	confTextConflict         = 0.75
	confTextConflictExact    = 0.90
	confTextUnconfirmed      = 0.78
	confTextPaidConfirmed    = 0.85
	confTextPaidWhole        = 0.92
	confTextRetyped          = 0.78
	confTextRetypedNamed     = 0.78
	confIBANAmount           = 0.90
	confIBANAmountEqual      = 0.85
	confIBANAmountSet        = 0.85
	confIBANCustomer         = 0.75
	confIBANCustomerName     = 0.82
	confIBANNothingOpen      = 0.65
	confNameAmount           = 0.85
	confNameAmountEqual      = 0.82
	confNameAmbiguousMax     = 0.70
	confName                 = 0.60
)

// maxCandidates is the number of matches Candidates returns at most.
const maxCandidates = 5

// maxSubsetInvoices bounds the subset-sum search to a customer's oldest
// open invoices: payers settle arrears, and 25 keeps the search small.
const maxSubsetInvoices = 25

// Matcher matches credit transactions to invoices and customers. Its state
// (open amounts, learned IBANs) evolves as transactions are booked, so it
// must be fed in booking-date order. A Matcher is not safe for concurrent
// use: Candidates reuses scratch buffers.
type Matcher struct {
	customers []customer
	custByID  map[string]int32
	invoices  []invoice

	byKey    strIndex // invoice id, letters and digits upper-cased
	byRef    strIndex // PaymentReference: RF body (tag 'R') or other (tag 'O')
	byRefNum numIndex // PaymentReference that is a betalingskenmerk: its number
	byDigits numIndex // digits of the invoice id, leading zeros stripped

	// ibans maps a normalized IBAN to its customer, or to sharedIBAN when
	// the account paid for more than one customer.
	ibans map[string]int32

	names nameIndex

	s scratch
}

// sharedIBAN marks an account seen for several customers (a payment
// provider, a bookkeeping office): it identifies nobody.
const sharedIBAN = -1

type customer struct {
	id     string
	tokens []string // normalized name tokens
	// invoices are the customer's invoices by date, oldest first.
	invoices []int32
	// firstOpen is the position in invoices before which all are paid.
	firstOpen int32
}

type invoice struct {
	id     string
	cust   int32
	day    int32 // days since 1970-01-01
	open   creditflow.Money
	amount creditflow.Money
}

// New returns a matcher for the customers, their open invoices and the
// known accounts (normalized IBAN → customer id). Invoices and accounts of
// customers not in customers get a customer without a name.
func New(customers []Customer, invoices []Invoice, accounts map[string]string) *Matcher {
	m := &Matcher{
		custByID: make(map[string]int32, len(customers)),
		invoices: make([]invoice, 0, len(invoices)),
		byKey:    newIndex[string](len(invoices)),
		byRef:    newIndex[string](0),
		byRefNum: newIndex[uint64](0),
		byDigits: newIndex[uint64](len(invoices)),
		ibans:    make(map[string]int32, len(accounts)),
		names:    nameIndex{postings: make(map[string][]int32)},
	}
	for _, c := range customers {
		m.addCustomer(c.ID, c.Name)
	}
	for _, inv := range invoices {
		m.indexInvoice(inv)
	}
	// Sorting once is cheaper than inserting in order.
	for ci := range m.customers {
		cu := &m.customers[ci]
		slices.SortFunc(cu.invoices, func(a, b int32) int {
			if d := m.invoices[a].day - m.invoices[b].day; d != 0 {
				return int(d)
			}
			return int(a - b)
		})
	}
	for iban, id := range accounts {
		m.Learn(iban, id)
	}
	return m
}

// addCustomer returns the index of the customer with id, adding it (or
// setting its name when it had none) as needed.
func (m *Matcher) addCustomer(id, name string) int32 {
	if ci, ok := m.custByID[id]; ok {
		if name != "" && len(m.customers[ci].tokens) == 0 {
			m.customers[ci].tokens = normalizeName(name)
			m.names.add(ci, m.customers[ci].tokens)
		}
		return ci
	}
	ci := int32(len(m.customers))
	m.customers = append(m.customers, customer{id: id, tokens: normalizeName(name)})
	m.custByID[id] = ci
	m.names.add(ci, m.customers[ci].tokens)
	return ci
}

// indexInvoice adds inv to the invoice list and the indexes, and appends it
// to its customer's list without sorting.
func (m *Matcher) indexInvoice(inv Invoice) int32 {
	ci := m.addCustomer(inv.CustomerID, "")
	ii := int32(len(m.invoices))
	amount := inv.Amount
	if amount == 0 {
		amount = inv.Open
	}
	m.invoices = append(m.invoices, invoice{id: inv.ID, cust: ci, day: dayOf(inv.Date), open: inv.Open, amount: amount})
	m.customers[ci].invoices = append(m.customers[ci].invoices, ii)
	if k := alnumUpper(inv.ID); len(k) > 0 {
		m.byKey.add(k, ii)
	}
	if n, ok := digitKey(inv.ID); ok {
		m.byDigits.add(n, ii)
	}
	if r := inv.PaymentReference; r != "" {
		switch {
		case ValidBetalingskenmerk(r):
			if n, ok := parseDigits(KenmerkNumber(r)); ok {
				m.byRefNum.add(n, ii)
			}
		case ValidRF(r):
			m.byRef.add("R"+RFBody(r), ii)
		default:
			if k := alnumUpper(r); k != "" {
				m.byRef.add("O"+k, ii)
			}
		}
	}
	return ii
}

// AddInvoice adds an invoice loaded after New.
func (m *Matcher) AddInvoice(inv Invoice) {
	ii := m.indexInvoice(inv)
	cu := &m.customers[m.invoices[ii].cust]
	// indexInvoice appended it; move it to its place by date.
	list := cu.invoices[:len(cu.invoices)-1]
	day := m.invoices[ii].day
	pos, _ := slices.BinarySearchFunc(list, day, func(j int32, d int32) int {
		if m.invoices[j].day <= d {
			return -1
		}
		return 1
	})
	copy(cu.invoices[pos+1:], cu.invoices[pos:len(cu.invoices)-1])
	cu.invoices[pos] = ii
	if m.invoices[ii].open > 0 && int32(pos) < cu.firstOpen {
		cu.firstOpen = int32(pos)
	}
}

// Learn records that payments from iban come from the customer. An IBAN
// learned for a second customer becomes shared and is no longer used to
// identify a payer.
func (m *Matcher) Learn(iban, customerID string) {
	iban = NormalizeIBAN(iban)
	if iban == "" || customerID == "" {
		return
	}
	ci := m.addCustomer(customerID, "")
	switch prev, ok := m.ibans[iban]; {
	case !ok:
		m.ibans[iban] = ci
	case prev != ci:
		m.ibans[iban] = sharedIBAN
	}
}

// Book records that tx was booked as mt: it lowers the open amounts of the
// invoices paid (for a booking to the customer, an invoice of exactly the
// amount, else the oldest open invoices on or before the booking date first), and learns the payer's IBAN when the
// match was sure enough. Money beyond the open amounts stays unapplied: the
// matcher does not carry credit forward to later invoices.
func (m *Matcher) Book(tx creditflow.BankTransaction, mt Match) {
	if tx.Amount <= 0 {
		return
	}
	ci, ok := m.custByID[mt.CustomerID]
	if !ok {
		return
	}
	rest := tx.Amount
	if len(mt.InvoiceIDs) > 0 {
		for _, id := range mt.InvoiceIDs {
			ii := m.lookupID(id, ci)
			if ii < 0 {
				continue
			}
			rest -= m.pay(ii, rest)
		}
	} else {
		day := dayOf(tx.BookingDate)
		cu := &m.customers[ci]
		// Booked to the customer: most likely it pays an invoice of exactly
		// its amount, else the oldest invoices first.
		if ii, _ := m.exactOpen(ci, rest, day); ii >= 0 {
			rest -= m.pay(ii, rest)
		}
		for _, ii := range cu.invoices[cu.firstOpen:] {
			if rest <= 0 || m.invoices[ii].day > day {
				break
			}
			rest -= m.pay(ii, rest)
		}
	}
	m.advanceFirstOpen(ci)
	if mt.Confidence >= LearnConfidence && tx.CounterIBAN != "" {
		m.Learn(tx.CounterIBAN, mt.CustomerID)
	}
}

// pay lowers the open amount of invoice ii by at most amount and returns
// what it took.
func (m *Matcher) pay(ii int32, amount creditflow.Money) creditflow.Money {
	inv := &m.invoices[ii]
	take := creditflow.Min(inv.open, amount)
	if take <= 0 {
		return 0
	}
	inv.open -= take
	return take
}

func (m *Matcher) advanceFirstOpen(ci int32) {
	cu := &m.customers[ci]
	for int(cu.firstOpen) < len(cu.invoices) && m.invoices[cu.invoices[cu.firstOpen]].open <= 0 {
		cu.firstOpen++
	}
}

// lookupID finds the invoice with exactly this id, preferring one of
// customer ci when ids repeat; -1 when there is none.
func (m *Matcher) lookupID(id string, ci int32) int32 {
	found := int32(-1)
	for _, ii := range m.byKey.appendTo(m.s.found[:0], alnumUpper(id)) {
		if m.invoices[ii].id != id {
			continue
		}
		if m.invoices[ii].cust == ci {
			return ii
		}
		found = ii
	}
	return found
}

// Candidates returns the possible matches of a credit transaction, best
// first (at most 5, distinct), without changing the matcher's state. Only
// invoices dated on or before the booking date and still open count, except
// that a valid structured reference to a paid invoice is still reported.
// The payer's name is only compared when no other rule reached
// LearnConfidence: it is the slowest rule and cannot beat those matches.
// Debits return nothing.
func (m *Matcher) Candidates(tx creditflow.BankTransaction) []Match {
	if tx.Amount <= 0 {
		return nil
	}
	day := dayOf(tx.BookingDate)
	if tx.BookingDate.IsZero() {
		day = 1 << 30
	}
	s := &m.s
	s.reset()
	payer := int32(sharedIBAN)
	if tx.CounterIBAN != "" {
		if ci, ok := m.ibans[NormalizeIBAN(tx.CounterIBAN)]; ok {
			payer = ci
		}
	}
	m.matchReference(tx, day, payer)
	m.matchText(tx, day, payer)
	m.matchIBAN(tx, day, payer)
	if s.best() < LearnConfidence && tx.CounterName != "" {
		m.matchName(tx, day)
	}
	return m.result()
}

// matchReference applies rule 1: a valid betalingskenmerk or RF reference,
// in the structured field or written in the text.
func (m *Matcher) matchReference(tx creditflow.BankTransaction, day int32, payer int32) {
	s := &m.s
	if r := tx.StructuredRef; r != "" {
		switch {
		case ValidBetalingskenmerk(r):
			m.matchKenmerk(KenmerkNumber(r), tx, day, payer)
		case ValidRF(r):
			m.matchRF(RFBody(r), tx, day, payer)
		case looksLikeReference(r):
			// A mistyped reference: the check digits caught it, so its
			// number says nothing.
		default:
			s.extraText = r
		}
	}
	if tx.RemittanceText != "" {
		scanReferences(tx.RemittanceText, &s.refs)
		for _, k := range s.refs.kenmerken {
			m.matchKenmerk(k, tx, day, payer)
		}
		for _, b := range s.refs.rfBodies {
			m.matchRF(b, tx, day, payer)
		}
	}
}

// looksLikeReference reports whether a structured reference that failed
// its check is a betalingskenmerk or RF reference with a typing error
// rather than some other text.
func looksLikeReference(r string) bool {
	d := stripSpaces(r)
	if len(d) == 16 && allDigits(d) {
		return true
	}
	return len(d) >= 4 && (d[0] == 'R' || d[0] == 'r') && (d[1] == 'F' || d[1] == 'f') && allDigits(d[2:4])
}

func (m *Matcher) matchKenmerk(number string, tx creditflow.BankTransaction, day int32, payer int32) {
	n, ok := parseDigits(number)
	if !ok {
		return
	}
	s := &m.s
	s.found = m.byRefNum.appendTo(s.found[:0], n)
	if len(s.found) == 0 {
		s.found = m.byDigits.appendTo(s.found, n)
	}
	m.addReferenced(RuleStructuredReference, tx, day, payer)
}

func (m *Matcher) matchRF(body string, tx creditflow.BankTransaction, day int32, payer int32) {
	s := &m.s
	s.key = append(append(s.key[:0], 'R'), body...)
	s.found = appendToBytes(&m.byRef, s.found[:0], s.key)
	if len(s.found) == 0 {
		if n, ok := parseDigits(body); ok {
			s.found = m.byDigits.appendTo(s.found, n)
		} else {
			s.found = m.byKey.appendTo(s.found, body)
		}
	}
	m.addReferenced(RuleRFReference, tx, day, payer)
}

// addReferenced adds the invoices in s.found that a valid reference named.
func (m *Matcher) addReferenced(rule Rule, tx creditflow.BankTransaction, day int32, payer int32) {
	s := &m.s
	found := s.found[:0]
	for _, ii := range s.found {
		if m.invoices[ii].day <= day {
			found = append(found, ii)
		}
	}
	switch {
	case len(found) == 1:
		inv := m.invoices[found[0]]
		conf := confRef
		if inv.open <= 0 {
			conf = confRefPaid
		}
		// The Dutch check digit maps two remainders to 0 and two to 1, so
		// a mistyped kenmerk can pass it: when neither the amount nor the
		// payer's IBAN or name confirms the invoice, a person checks.
		exact := tx.Amount == inv.open || (inv.open <= 0 && tx.Amount == inv.amount)
		if !exact && payer != inv.cust && m.payerSimilarity(tx.CounterName, inv.cust) < confirmingNameSimilarity {
			conf = min(conf, confRefUnconfirmed)
		}
		s.add(inv.cust, found, rule, conf)
	case len(found) > 1:
		for _, ii := range found {
			inv := m.invoices[ii]
			conf := confRefAmbiguous
			if inv.open == tx.Amount {
				conf += confRefAmbiguousBonus
			}
			s.add(inv.cust, []int32{ii}, rule, conf)
		}
	}
}

// matchText applies rule 2: invoice numbers in the remittance text.
func (m *Matcher) matchText(tx creditflow.BankTransaction, day int32, payer int32) {
	s := &m.s
	s.found = s.found[:0]
	m.findInvoices(tx.RemittanceText)
	m.findInvoices(s.extraText)
	if len(s.found) == 0 {
		return
	}
	// Keep invoices dated on or before the booking date, once each, ordered
	// by customer and then oldest first.
	found := s.found[:0]
	for _, ii := range s.found {
		if m.invoices[ii].day <= day && !slices.Contains(found, ii) {
			found = append(found, ii)
		}
	}
	slices.SortFunc(found, func(a, b int32) int {
		ia, ib := &m.invoices[a], &m.invoices[b]
		if ia.cust != ib.cust {
			return int(ia.cust - ib.cust)
		}
		if ia.day != ib.day {
			return int(ia.day - ib.day)
		}
		return int(a - b)
	})
	nCust := 0
	for i, ii := range found {
		if i == 0 || m.invoices[found[i-1]].cust != m.invoices[ii].cust {
			nCust++
		}
	}
	for start := 0; start < len(found); {
		ci := m.invoices[found[start]].cust
		end := start
		for end < len(found) && m.invoices[found[end]].cust == ci {
			end++
		}
		group := found[start:end]
		start = end
		// Paid invoices only count when nothing else of the customer is open.
		var sum creditflow.Money
		open := s.tmp[:0]
		for _, ii := range group {
			if m.invoices[ii].open > 0 {
				open = append(open, ii)
				sum += m.invoices[ii].open
			}
		}
		s.tmp = open
		// The payer points at the customer by a known IBAN or by name.
		confirmed := payer == ci || m.payerSimilarity(tx.CounterName, ci) >= confirmingNameSimilarity
		var conf float64
		switch {
		case len(open) == 0:
			conf = confTextPaid
			if confirmed {
				conf = confTextPaidConfirmed
				// Named with its whole amount by its customer: an earlier
				// guess (a payment on account) took it, not this payment.
				if len(group) == 1 && m.invoices[group[0]].amount == tx.Amount {
					conf = confTextPaidWhole
				}
			}
			if nCust > 1 {
				conf = confTextAmbiguous
			}
			open = group
		case nCust > 1:
			conf = confTextAmbiguous
			if sum == tx.Amount {
				conf += 0.05
			}
			if payer == ci {
				conf += 0.04
			}
			conf = min(conf, confTextAmbiguousMax)
		case len(open) == 1:
			conf = confText
		default:
			conf = confTextSet
		}
		exact := nCust == 1 && len(open) > 0 && sum == tx.Amount
		if nCust == 1 && len(open) == 1 && !exact {
			// A mistyped invoice number often names another invoice of the
			// same customer; when the amount is that of one invoice whose
			// number is one typing error away, that is the one meant.
			if ii, n := m.exactOpen(ci, tx.Amount, day); n == 1 && ii != open[0] && oneTypoApart(m.invoices[ii].id, m.invoices[open[0]].id) {
				s.add(ci, []int32{ii}, RuleInvoiceInText, confTextRetyped)
				conf = min(conf, confTextRetypedNamed)
			}
		}
		switch {
		case exact && conf > confTextPaidConfirmed:
			conf += confTextAmountBonus
		case nCust == 1 && len(open) > 0 && !confirmed:
			conf = min(conf, confTextUnconfirmed)
		}
		if payer >= 0 && payer != ci {
			if exact {
				conf = min(conf, confTextConflictExact)
			} else {
				conf = min(conf, confTextConflict)
			}
		}
		s.add(ci, open, RuleInvoiceInText, conf)
	}
}

// findInvoices appends to s.found the invoices whose id, other payment
// reference or digits appear as a token of text.
func (m *Matcher) findInvoices(text string) {
	s := &m.s
	for text != "" {
		var tok string
		tok, text = nextToken(text)
		if tok == "" {
			continue
		}
		if len(tok) >= 3 {
			s.key = appendAlnumUpper(s.key[:0], tok)
			if len(s.key) >= 3 {
				s.found = appendToBytes(&m.byKey, s.found, s.key)
				s.key = append(append(s.key[:0], 'O'), s.key...)
				s.found = appendToBytes(&m.byRef, s.found, s.key)
			}
		}
		if n, ok := tokenDigits(tok); ok {
			s.found = m.byDigits.appendTo(s.found, n)
		}
		if rest := stripInvoicePrefix(tok); rest != tok {
			if n, ok := tokenDigits(rest); ok {
				s.found = m.byDigits.appendTo(s.found, n)
			}
		}
	}
}

// matchIBAN applies rule 3: the payer's account is known for one customer.
func (m *Matcher) matchIBAN(tx creditflow.BankTransaction, day int32, payer int32) {
	if payer < 0 {
		return
	}
	s := &m.s
	cu := &m.customers[payer]
	exact, nExact := int32(-1), 0
	open := s.open[:0]
	vals := s.vals[:0]
	for _, ii := range cu.invoices[cu.firstOpen:] {
		inv := &m.invoices[ii]
		if inv.day > day {
			break
		}
		if inv.open <= 0 {
			continue
		}
		if inv.open == tx.Amount {
			if exact < 0 {
				exact = ii
			}
			nExact++
		}
		if len(open) < maxSubsetInvoices {
			open = append(open, ii)
			vals = append(vals, inv.open)
		}
	}
	s.open, s.vals = open, vals
	// A whole-euro amount is how people pay an invoice in parts: when a
	// bigger invoice is open, the amount may be a part of it rather than
	// the invoice that happens to have that amount.
	maybePart := tx.Amount%100 == 0 && slices.ContainsFunc(vals, func(v creditflow.Money) bool { return v > tx.Amount })
	switch {
	case nExact == 1 && maybePart:
		s.add(payer, nil, RuleIBANAmount, confIBANAmountEqual)
	case nExact == 1:
		s.add(payer, []int32{exact}, RuleIBANAmount, confIBANAmount)
	case nExact > 1:
		s.add(payer, nil, RuleIBANAmount, confIBANAmountEqual)
	default:
		if set, n := s.subsetSum(vals, tx.Amount); n > 0 {
			ids := make([]int32, n)
			for i := range n {
				ids[i] = open[set[i]]
			}
			if equalAmountOutside(vals, set[:n]) {
				// Another invoice of the same amount could take the place
				// of one in the set: the customer, not which invoices.
				ids = nil
			}
			s.add(payer, ids, RuleIBANAmountSet, confIBANAmountSet)
		} else if len(open) > 0 {
			conf := confIBANCustomer
			if m.payerSimilarity(tx.CounterName, payer) >= minNameSimilarity {
				conf = confIBANCustomerName
			}
			s.add(payer, nil, RuleIBANCustomer, conf)
		} else {
			s.add(payer, nil, RuleIBANCustomer, confIBANNothingOpen)
		}
	}
}

// exactOpen returns the oldest open invoice of customer ci dated on or
// before day whose open amount equals amount, and how many there are.
func (m *Matcher) exactOpen(ci int32, amount creditflow.Money, day int32) (int32, int) {
	cu := &m.customers[ci]
	first, n := int32(-1), 0
	for _, ii := range cu.invoices[cu.firstOpen:] {
		inv := &m.invoices[ii]
		if inv.day > day {
			break
		}
		if inv.open == amount {
			if first < 0 {
				first = ii
			}
			n++
		}
	}
	return first, n
}

// result turns the scratch candidates into Matches: distinct, best first,
// at most maxCandidates.
func (m *Matcher) result() []Match {
	s := &m.s
	if len(s.cands) == 0 {
		return nil
	}
	// Stable: at equal confidence the earlier (stronger) rule stays first.
	slices.SortStableFunc(s.cands, func(a, b cand) int {
		switch {
		case a.conf > b.conf:
			return -1
		case a.conf < b.conf:
			return 1
		}
		return 0
	})
	out := make([]Match, 0, min(len(s.cands), maxCandidates))
	for i, c := range s.cands {
		if len(out) == maxCandidates {
			break
		}
		dup := false
		for _, p := range s.cands[:i] {
			if p.cust == c.cust && slices.Equal(p.inv, c.inv) {
				dup = true
				break
			}
		}
		if dup {
			continue
		}
		mt := Match{CustomerID: m.customers[c.cust].id, Rule: c.rule, Confidence: c.conf}
		if len(c.inv) > 0 {
			mt.InvoiceIDs = make([]string, len(c.inv))
			for j, ii := range c.inv {
				mt.InvoiceIDs[j] = m.invoices[ii].id
			}
		}
		out = append(out, mt)
	}
	return out
}

// dayOf is the day number of d, counted from 1970-01-01.
func dayOf(d creditflow.Date) int32 {
	u := d.Unix()
	if u < 0 {
		return int32((u - 86399) / 86400)
	}
	return int32(u / 86400)
}

// alnumUpper keeps the letters and digits of s, upper-cased, so that
// "inv-2024-000123" finds "INV-2024-000123".
func alnumUpper(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	return string(appendAlnumUpper(nil, s))
}

func appendAlnumUpper(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
			b = append(b, c-'a'+'A')
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			b = append(b, c)
		}
	}
	return b
}

// digitKey is the number made of all digits of an invoice id, leading
// zeros stripped ("INV-2024-000123" → 2024000123).
func digitKey(id string) (uint64, bool) {
	var n uint64
	nd := 0
	for i := 0; i < len(id); i++ {
		c := id[i]
		if c < '0' || c > '9' {
			continue
		}
		if n == 0 && c == '0' {
			continue
		}
		nd++
		if nd > 19 {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	return n, n > 0
}

// parseDigits reads a string of digits (leading zeros allowed) as a number
// of at most 19 significant digits.
func parseDigits(s string) (uint64, bool) {
	if !allDigits(s) {
		return 0, false
	}
	return digitKey(s)
}

// tokenDigits reads a token that is an invoice number written as digits,
// possibly with dashes ("2024-000123"): at least 6 digits, so that days,
// counts and amounts are not taken for invoice numbers.
func tokenDigits(tok string) (uint64, bool) {
	nd := 0
	for i := 0; i < len(tok); i++ {
		switch c := tok[i]; {
		case c >= '0' && c <= '9':
			nd++
		case c == '-' || c == '_':
		default:
			return 0, false
		}
	}
	if nd < 6 {
		return 0, false
	}
	return digitKey(tok)
}

// invoicePrefixes are the words payers put before an invoice number,
// longest first so that "factuurnr" is stripped whole.
var invoicePrefixes = [...]string{
	"factuurnummer", "factuurnr", "facturen", "factuur", "factnr", "invoice",
	"fact", "fac", "inv", "nummer", "nr", "no",
}

// stripInvoicePrefix removes words such as "factuur" or "nr." from the
// start of tok, with the punctuation after them.
func stripInvoicePrefix(tok string) string {
	for range 3 {
		stripped := false
		for _, p := range invoicePrefixes {
			if len(tok) > len(p) && strings.EqualFold(tok[:len(p)], p) {
				tok = tok[len(p):]
				stripped = true
				break
			}
		}
		tok = strings.TrimLeft(tok, ".:-#_")
		if !stripped {
			break
		}
	}
	return tok
}

// nextToken splits off the first token of text: tokens are separated by
// spaces, commas, semicolons, slashes, colons and brackets; trailing dots
// are dropped.
func nextToken(text string) (tok, rest string) {
	i := 0
	for i < len(text) && isSep(text[i]) {
		i++
	}
	j := i
	for j < len(text) && !isSep(text[j]) {
		j++
	}
	tok = strings.TrimRight(text[i:j], ".")
	return tok, text[j:]
}

func isSep(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', ',', ';', '/', ':', '(', ')', '[', ']', '|', '"', '\'', '+', '&':
		return true
	}
	return false
}

// equalAmountOutside reports whether an amount at the positions in set also
// occurs at a position outside it: then another set adds up as well.
func equalAmountOutside(vals []creditflow.Money, set []int8) bool {
	for i, v := range vals {
		if slices.Contains(set, int8(i)) {
			continue
		}
		for _, j := range set {
			if vals[j] == v {
				return true
			}
		}
	}
	return false
}

// oneTypoApart reports whether two ids of the same length differ in one
// character or in two adjacent characters swapped.
func oneTypoApart(a, b string) bool {
	if len(a) != len(b) || a == b {
		return false
	}
	var diff []int
	for i := 0; i < len(a); i++ {
		if a[i] != b[i] {
			diff = append(diff, i)
			if len(diff) > 2 {
				return false
			}
		}
	}
	switch len(diff) {
	case 1:
		return true
	case 2:
		i, j := diff[0], diff[1]
		return j == i+1 && a[i] == b[j] && a[j] == b[i]
	}
	return false
}
