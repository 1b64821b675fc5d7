package match

import (
	"strings"

	"github.com/creditflow/creditflow"
)

// Letter is a dunning letter that was sent: its payment reference
// (customer id, "-" and the letter date as YYYYMMDD, e.g. C00042-20250630)
// names the customer, and the invoices it chased, oldest first, are the
// ones a payment with that reference pays.
type Letter struct {
	Reference  string
	CustomerID string
	InvoiceIDs []string
}

// letterRef is a letter as the matcher keeps it, by its reference.
type letterRef struct {
	cust     int32
	invoices []string
}

// Confidences of RuleLetterReference. The reference names the customer
// without doubt; the amount says how sure the invoices are.
//
//	the amount is what is open on the letter's invoices      0.97
//	another amount (a part payment, or more)                   0.92
//	  the payer's IBAN is known for another customer          0.78
//	nothing of the letter is open any more                     0.75, to the customer
const (
	confLetter          = 0.97
	confLetterPart      = 0.92
	confLetterOtherIBAN = 0.78
	confLetterNothing   = 0.75
)

// AddLetter makes payments that carry l's reference match l's customer and
// invoices. A reference added twice keeps the invoices of both.
func (m *Matcher) AddLetter(l Letter) {
	k := letterKey(l.Reference)
	if k == "" || l.CustomerID == "" {
		return
	}
	if m.letters == nil {
		m.letters = map[string]letterRef{}
	}
	ci := m.addCustomer(l.CustomerID, "")
	r := m.letters[k]
	r.cust = ci
	r.invoices = append(r.invoices, l.InvoiceIDs...)
	m.letters[k] = r
}

// letterKey is the letters and digits of a reference, upper-cased, when
// it ends in "-" and eight digits (the letter date); "" otherwise.
func letterKey(ref string) string {
	ref = strings.TrimSpace(ref)
	n := len(ref)
	if n < 10 || ref[n-9] != '-' || !allDigits(ref[n-8:]) {
		return ""
	}
	return alnumUpper(ref)
}

// matchLetter applies the letter rule to the words of the structured
// reference and the remittance text.
func (m *Matcher) matchLetter(tx creditflow.BankTransaction, day int32, payer int32) {
	if len(m.letters) == 0 {
		return
	}
	for _, text := range []string{tx.StructuredRef, tx.RemittanceText} {
		for text != "" {
			var tok string
			tok, text = nextToken(text)
			if r, ok := m.findLetter(tok); ok {
				m.addLetter(r, tx, day, payer)
				return
			}
		}
	}
}

// findLetter looks a word up as a letter reference: whole, or from after
// one of its hyphens ("KENMERK-C00042-20250630").
func (m *Matcher) findLetter(tok string) (letterRef, bool) {
	if letterKey(tok) == "" {
		return letterRef{}, false
	}
	for {
		if r, ok := m.letters[alnumUpper(tok)]; ok {
			return r, true
		}
		i := strings.IndexByte(tok, '-')
		if i < 0 || len(tok)-i-1 < 10 {
			return letterRef{}, false
		}
		tok = tok[i+1:]
	}
}

// addLetter adds the candidate of letter r: its invoices still open on
// the booking day, oldest first, as far as the amount reaches.
func (m *Matcher) addLetter(r letterRef, tx creditflow.BankTransaction, day int32, payer int32) {
	s := &m.s
	// lookupID uses s.found.
	s.tmp = s.tmp[:0]
	var open creditflow.Money
	rest := tx.Amount
	for _, id := range r.invoices {
		ii := m.lookupID(id, r.cust)
		if ii < 0 || m.invoices[ii].cust != r.cust || m.invoices[ii].open <= 0 || m.invoices[ii].day > day || rest <= 0 {
			continue
		}
		s.tmp = append(s.tmp, ii)
		open += m.invoices[ii].open
		rest -= m.invoices[ii].open
	}
	switch {
	case len(s.tmp) == 0:
		s.add(r.cust, nil, RuleLetterReference, confLetterNothing)
	case open == tx.Amount:
		s.add(r.cust, s.tmp, RuleLetterReference, confLetter)
	case payer >= 0 && payer != r.cust:
		s.add(r.cust, s.tmp, RuleLetterReference, confLetterOtherIBAN)
	default:
		s.add(r.cust, s.tmp, RuleLetterReference, confLetterPart)
	}
}
