package demo

import (
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// structurable reports whether a reference kind names one invoice that a
// payer could have written as a betalingskenmerk instead.
func structurable(k refKind) bool {
	switch k {
	case refInvoiceID, refFactuur, refNetted, refRepay:
		return true
	}
	return false
}

// typeable reports whether a reference kind's text holds an invoice number
// that can be mistyped.
func typeable(k refKind) bool {
	switch k {
	case refInvoiceID, refFactuur, refNetted, refRepay, refPartial, refLumpList, refLoose:
		return true
	}
	return false
}

// planPayments turns every payment of the period into a statement
// transaction on its customer's account, with its noise.
func (s *statements) planPayments(r *rand.Rand) {
	l := s.l
	for k := s.firstPayment; k < len(l.payments); k++ {
		p := &l.payments[k]
		py := &s.payers[p.cust]
		t := stmtTx{cents: p.cents, pay: int32(k), out: -1, day: p.day, class: classOther}
		switch {
		case p.ref == refStorno:
			t.kind = kindReturn
		case p.ref == refDebit:
			t.class = classCollection
		case p.method == card:
			t.from = fromProvider
			t.noise |= noiseProvider
		case py.office >= 0:
			t.from = fromOffice
			t.noise |= noiseBookkeeper | noisePayerName
		default:
			s.transfer(&t, p, py, r)
		}
		if t.from == fromOwn || t.from == fromSecond {
			iban := py.iban[t.from-fromOwn]
			if py.altName {
				t.noise |= noisePayerName
			}
			if !strings.HasPrefix(iban, "NL") {
				t.noise |= noiseForeignIBAN
			}
			if py.known&(1<<(t.from-fromOwn)) == 0 {
				t.noise |= noiseUnknownIBAN
			}
		}
		switch p.ref {
		case refLumpList, refLumpText, refEmpty:
			t.noise |= noiseCombined
		case refPartial:
			t.noise |= noisePartial
		}
		if p.ref == refEmpty && t.from != fromOffice {
			t.rem = remNone
			t.noise |= noiseMissingRef
		}
		a := &s.acct[py.acct]
		a.txs = append(a.txs, t)
	}
}

// transfer draws the account, reference style and typing errors of a
// transfer the customer makes itself.
func (s *statements) transfer(t *stmtTx, p *payment, py *payer, r *rand.Rand) {
	if py.nIBAN == 2 && r.Float64() < shareSecondUsed {
		t.from = fromSecond
		t.noise |= noiseSecondIBAN
	}
	if r.Float64() < shareMissingRef {
		t.rem = remNone
		t.noise |= noiseMissingRef
		return
	}
	if structurable(p.ref) && r.Float64() < shareStructured {
		t.rem = remKenmerk
		if py.rf {
			t.rem = remRF
		}
	}
	if (t.rem != remText || typeable(p.ref)) && r.Float64() < shareMistyped {
		t.typo = r.Uint32() | 1<<31
		t.noise |= noiseMistyped
	}
}

// planOutgoing adds each month's outgoing debits to both accounts, sized
// by what came in that month so that the balances stay plausible.
func (s *statements) planOutgoing(r *rand.Rand) {
	cal := s.l.cal
	for a := range s.acct {
		acct := &s.acct[a]
		in := make([]int64, len(s.months)-1)
		m := 0
		for i := range acct.txs {
			for acct.txs[i].day >= s.months[m+1] {
				m++
			}
			if acct.txs[i].cents > 0 {
				in[m] += acct.txs[i].cents
			}
		}
		for m := range in {
			first, last := s.months[m], s.months[m+1]-1
			monthText := func(prefix string) string {
				return prefix + monthNames[cal.month[first]] + " " + strconv.Itoa(int(cal.year[first]))
			}
			add := func(day int32, cents int64, o outgoing) {
				if cents <= 0 || day > last {
					return
				}
				acct.txs = append(acct.txs, stmtTx{cents: -cents, pay: -1, out: int32(len(s.out)), day: day,
					from: fromOutgoing, kind: kindOutgoing, class: classOutgoing})
				s.out = append(s.out, o)
			}
			add(first, 1250+r.Int64N(3250), outgoing{party{acct.bank, ""}, monthText("Kosten zakelijk betalingsverkeer "), outCosts})
			suppliers := 2 + r.IntN(4)
			budget := int64(float64(in[m]) * shareSuppliers)
			for i := range suppliers {
				share := budget / int64(suppliers-i)
				if i < suppliers-1 {
					share = share * (50 + r.Int64N(100)) / 100
				}
				budget -= share
				sp := s.suppliers[r.IntN(len(s.suppliers))]
				text := "Factuur " + strconv.Itoa(100_000+r.IntN(900_000))
				add(first+r.Int32N(last-first+1), max(share, 5000), outgoing{sp, text, outSupplier})
			}
			add(first+24, int64(float64(in[m])*shareSalaries), outgoing{party{"Verzamelbetaling salarissen", ""}, monthText("Salarissen "), outSalaries})
			add(last, int64(float64(in[m])*shareVAT), outgoing{s.taxOffice, monthText("Omzetbelasting "), outVAT})
		}
	}
}

// number orders an account's transactions by day, collections first, and
// gives each entry its number; on account A a day's direct debit
// collections share one batch entry.
func (s *statements) number(a int) {
	txs := s.acct[a].txs
	slices.SortStableFunc(txs, func(x, y stmtTx) int {
		if x.day != y.day {
			return int(x.day - y.day)
		}
		return int(x.class) - int(y.class)
	})
	entry := int32(0)
	for i := 0; i < len(txs); {
		j := i + 1
		if a == 0 && txs[i].class == classCollection {
			for j < len(txs) && txs[j].day == txs[i].day && txs[j].class == classCollection {
				j++
			}
		}
		entry++
		for k := i; k < j; k++ {
			txs[k].entry = entry
			if j-i > 1 {
				txs[k].sub = int32(k - i + 1)
				txs[k].noise |= noiseBatch
			}
		}
		i = j
	}
}

// statementMonth is the month of one of our accounts that one statement
// file holds, with its balances.
type statementMonth struct {
	s                *statements
	acct, month      int
	opening, closing int64 // cents
}

// span returns the month's transactions and its first and last day, and
// sets the closing balance from them.
func (sm *statementMonth) span() (txs []stmtTx, first, last int32) {
	s := sm.s
	txs = s.monthRange(sm.acct, sm.month)
	sm.closing = sm.opening + monthSum(txs)
	return txs, s.months[sm.month], s.months[sm.month+1] - 1
}

// monthRange returns the transactions of account a in month m.
func (s *statements) monthRange(a, m int) []stmtTx {
	txs := s.acct[a].txs
	lo := sort.Search(len(txs), func(i int) bool { return txs[i].day >= s.months[m] })
	hi := sort.Search(len(txs), func(i int) bool { return txs[i].day >= s.months[m+1] })
	return txs[lo:hi]
}

// monthSum returns the sum of txs in cents.
func monthSum(txs []stmtTx) int64 {
	var sum int64
	for i := range txs {
		sum += txs[i].cents
	}
	return sum
}
