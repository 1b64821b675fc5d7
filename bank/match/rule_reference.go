package match

import (
	"github.com/creditflow/creditflow"
)

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
