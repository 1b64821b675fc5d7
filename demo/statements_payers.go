package demo

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/creditflow/creditflow/bank/match"
)

// pickBank draws a Dutch bank code, weighted by market share.
func pickBank(r *rand.Rand) string {
	return bankCodesNL[pickWeighted(r, bankWeightNL)]
}

// newIBAN draws a valid IBAN not drawn before: a Dutch one at bank, or a
// German or Belgian one.
func newIBAN(r *rand.Rand, used map[string]bool, country, bank string) string {
	for {
		var b [20]byte
		bban := b[:0]
		switch country {
		case "DE": // Bankleitzahl and account number
			bban = append(bban, byte('1'+r.IntN(8)))
			bban = digits(r, bban, 17)
		case "BE": // bank, account and the national mod-97 check
			bban = digits(r, bban, 10)
			n, _ := strconv.ParseInt(string(bban), 10, 64)
			c := n % 97
			if c == 0 {
				c = 97
			}
			bban = appendPadded(bban, c, 2)
		default:
			bban = append(bban, bank...)
			bban = digits(r, bban, 10)
		}
		iban := match.IBAN(country, string(bban))
		if !used[iban] {
			used[iban] = true
			return iban
		}
	}
}

// quota returns round(share*len(pool)) members of pool drawn at random, at
// least one when pool is not empty. It reorders pool.
func quota(r *rand.Rand, pool []int32, share float64) []int32 {
	n := int(math.Round(share * float64(len(pool))))
	if n == 0 && len(pool) > 0 && share > 0 {
		n = 1
	}
	r.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	return pool[:n]
}

// drawPayers draws every customer's accounts, the account it pays into and
// how its name shows.
func (s *statements) drawPayers(r *rand.Rand, used map[string]bool) {
	l := s.l
	n := len(l.customers)
	s.payers = make([]payer, n)
	// Who pays in the period, and who of them by transfer.
	const paysAny, paysTransfer = 1, 2
	active := make([]uint8, n)
	for k := s.firstPayment; k < len(l.payments); k++ {
		p := &l.payments[k]
		active[p.cust] |= paysAny
		if p.method == transfer {
			active[p.cust] |= paysTransfer
		}
	}
	pool := func(want uint8, b2b bool, extra func(i int) bool) []int32 {
		var out []int32
		for i := range n {
			c := &l.customers[i]
			if active[i]&want == want && (!b2b || !c.b2c) && (extra == nil || extra(i)) {
				out = append(out, int32(i))
			}
		}
		return out
	}

	foreign := make([]bool, n)
	nForeign := int(math.Round(shareForeignIBAN * float64(len(pool(paysAny, false, nil)))))
	abroad := pool(paysAny, false, func(i int) bool { return l.customers[i].country != "NL" })
	r.Shuffle(len(abroad), func(i, j int) { abroad[i], abroad[j] = abroad[j], abroad[i] })
	for _, i := range abroad[:min(max(nForeign, 1), len(abroad))] {
		foreign[i] = true
	}
	for i := range s.payers {
		py := &s.payers[i]
		c := &l.customers[i]
		py.office = -1
		py.name = c.name
		py.nIBAN = 1
		if r.Float64() < shareAccountB {
			py.acct = 1
		}
		if foreign[i] {
			py.iban[0] = newIBAN(r, used, c.country, "")
		} else {
			py.iban[0] = newIBAN(r, used, "NL", pickBank(r))
		}
	}
	for _, i := range quota(r, pool(paysAny, true, nil), shareSecondIBAN) {
		py := &s.payers[i]
		py.nIBAN = 2
		py.iban[1] = newIBAN(r, used, "NL", pickBank(r))
	}
	all := make([]int32, n)
	for i := range all {
		all[i] = int32(i)
	}
	for _, i := range quota(r, all, shareKnownIBAN) {
		py := &s.payers[i]
		py.known = 1
		if py.nIBAN == 2 && r.Float64() < shareKnownSecond {
			py.known |= 2
		}
	}
	for _, i := range quota(r, pool(paysTransfer, true, nil), shareRF) {
		s.payers[i].rf = true
	}
	activeAll := pool(paysAny, false, nil)
	nOther := int(math.Round(shareOtherName * float64(len(activeAll))))
	nOffice := int(math.Round(shareBookkeeper * float64(nOther)))
	offices := pool(paysTransfer, true, nil)
	r.Shuffle(len(offices), func(i, j int) { offices[i], offices[j] = offices[j], offices[i] })
	for _, i := range offices[:min(max(nOffice, 1), len(offices))] {
		py := &s.payers[i]
		py.office = int8(r.IntN(len(s.offices)))
		py.altName = true
		nOther--
	}
	rest := pool(paysAny, false, func(i int) bool { return s.payers[i].office < 0 })
	r.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
	for _, i := range rest[:min(max(nOther, 1), len(rest))] {
		py := &s.payers[i]
		py.altName = true
		py.name = otherName(r, &l.customers[i])
	}
}

// otherName is a customer's name as its bank shows the account holder:
// upper case, without the legal form, initials, or the holding company.
func otherName(r *rand.Rand, c *customer) string {
	if c.b2c {
		first, last, _ := strings.Cut(c.name, " ")
		_, size := utf8.DecodeRuneInString(first)
		switch r.IntN(3) {
		case 0:
			return first[:size] + ". " + last // "J. de Vries"
		case 1:
			return strings.ToUpper(c.name)
		default:
			return strings.ToUpper(first[:size] + " " + last) // "J DE VRIES"
		}
	}
	core := companyCore(c.name)
	switch x := r.IntN(3); {
	case x == 0:
		return strings.ToUpper(c.name)
	case x == 1 && core != c.name:
		return core
	default:
		return "Holding " + core + " B.V."
	}
}
