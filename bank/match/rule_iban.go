package match

import (
	"slices"

	"github.com/creditflow/creditflow"
)

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
