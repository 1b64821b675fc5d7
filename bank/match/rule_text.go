package match

import (
	"slices"

	"github.com/creditflow/creditflow"
)

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
