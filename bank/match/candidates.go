package match

import (
	"cmp"
	"slices"

	"github.com/creditflow/creditflow"
)

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
	m.matchLetter(tx, day, payer)
	m.matchText(tx, day, payer)
	m.matchIBAN(tx, day, payer)
	if s.best() < LearnConfidence && tx.CounterName != "" {
		m.matchName(tx, day)
	}
	return m.result()
}

// result turns the scratch candidates into Matches: distinct, best first,
// at most maxCandidates.
func (m *Matcher) result() []Match {
	s := &m.s
	if len(s.cands) == 0 {
		return nil
	}
	// Stable: at equal confidence the earlier (stronger) rule stays first.
	slices.SortStableFunc(s.cands, func(a, b cand) int { return cmp.Compare(b.conf, a.conf) })
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
