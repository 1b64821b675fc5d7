package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/bank/match"
)

// The bank statements render the payments of the last months of the ledger
// as a bank shows them: on two accounts of ours, one reported as camt.053
// (account A, Rabobank) and one as MT940 (account B, ING), with the noise
// that makes matching them to invoices hard. statement_truth.csv says, per
// transaction as the parsers split them, which payment it is and which
// noise was applied.

// defaultStatementMonths is the statement period when Config.Statements is
// set without StatementMonths.
const defaultStatementMonths = 12

// statementStream is the PCG stream of the statements' own random draws, so
// that turning statements on changes none of the ledger's draws.
const statementStream = 0x73746174656d6e74 // "statemnt"

// Noise rates of the bank statements. Rates "of customers" are drawn as
// exact quotas among the customers who pay in the statement period, at
// least one when there is any, so that small ledgers show every kind too.
const (
	shareAccountB    = 0.50  // of customers paying into account B (MT940) instead of A (camt.053)
	shareKnownIBAN   = 0.60  // of customers whose IBAN is in customer_accounts.csv
	shareKnownSecond = 0.50  // of known customers with two accounts whose second IBAN is known too
	shareSecondIBAN  = 0.15  // of B2B customers paying from two accounts
	shareSecondUsed  = 0.30  // of transfers of such a customer made from the second account
	shareForeignIBAN = 0.05  // of customers paying from a German or Belgian account (drawn among non-NL customers)
	shareRF          = 0.05  // of B2B customers writing an RF creditor reference instead of the betalingskenmerk
	shareStructured  = 0.85  // of single-invoice transfers with a structured reference: about half of all transfers
	shareMissingRef  = 0.05  // of transfers without any remittance information (lumps without reference come on top)
	shareMistyped    = 0.037 // of transfers naming an invoice with one digit changed or two swapped: about 3% of all transfers
	shareOtherName   = 0.15  // of customers whose account holder name differs from the customer name
	shareBookkeeper  = 0.10  // of those: a bookkeeping office pays from its own account (B2B transfers only)
	shareSalaries    = 0.28  // of a month's receipts on an account paid out as salaries
	shareSuppliers   = 0.45  // of a month's receipts paid to suppliers
	shareVAT         = 0.09  // of a month's receipts paid as VAT to the tax office
)

// noise is a set of noise tags applied to a statement transaction.
type noise uint16

const (
	noiseMissingRef noise = 1 << iota
	noiseMistyped
	noiseCombined
	noisePartial
	noisePayerName
	noiseBookkeeper
	noiseProvider
	noiseBatch
	noiseSecondIBAN
	noiseForeignIBAN
	noiseUnknownIBAN
)

// noiseNames are the tags in statement_truth.csv, in bit order.
var noiseNames = [...]string{
	"missing_reference", "mistyped_reference", "combined", "partial", "payer_name",
	"bookkeeper", "payment_provider", "batch", "second_iban", "foreign_iban", "unknown_iban",
}

// Who the money comes from (or goes to).
const (
	fromOwn      = iota // the customer's first account
	fromSecond          // the customer's second account
	fromOffice          // the customer's bookkeeping office
	fromProvider        // the card payment provider
	fromOutgoing        // an outgoing debit's creditor
)

// What the remittance information holds.
const (
	remText    = iota // free text (Ustrd, /REMI/USTD/)
	remKenmerk        // the Dutch betalingskenmerk of the invoice
	remRF             // the ISO 11649 RF creditor reference of the invoice
	remNone           // nothing at all
)

// Kinds of statement transaction, as in statement_truth.csv.
const (
	kindCredit = iota
	kindReturn
	kindOutgoing
)

var kindNames = [...]string{"credit", "returned_direct_debit", "outgoing"}

// Order of transactions within a day: the direct debit collection first,
// so that a day's collections are one batch entry.
const (
	classCollection = iota
	classOther
	classOutgoing
)

// stmtTx is one transaction as the parsers split the statements: one
// payment of the ledger, or an outgoing debit.
type stmtTx struct {
	cents int64  // signed: negative for returns and outgoing debits
	pay   int32  // index in ledger.payments; -1 for an outgoing debit
	out   int32  // index in statements.out; -1 for a payment
	day   int32  // booking date
	entry int32  // entry number on the account, from which the bank reference is made
	sub   int32  // 1-based position in a split batch entry; 0 when alone
	typo  uint32 // random bits placing the typing error; 0 for none
	noise noise
	from  uint8
	rem   uint8
	kind  uint8
	class uint8
}

// payer is how a customer shows on a bank statement.
type payer struct {
	iban    [2]string
	name    string // the account holder name the bank shows
	nIBAN   uint8
	acct    uint8 // 0: pays into account A, 1: into account B
	known   uint8 // bit i: iban[i] is in customer_accounts.csv
	office  int8  // bookkeeping office that pays for the customer, or -1
	rf      bool
	altName bool
}

// party is a counterparty that is not a customer.
type party struct{ name, iban string }

// outgoing is a debit that is not a receivable: a supplier, salaries, tax,
// bank costs.
type outgoing struct {
	party
	text string
	code uint8 // outSupplier, ...
}

const (
	outSupplier = iota
	outSalaries
	outVAT
	outCosts
)

// stmtAccount is one of our bank accounts and its transactions in the
// statement period, by booking date.
type stmtAccount struct {
	iban, bic, bank string
	opening         int64 // cents, at the start of the period
	txs             []stmtTx
}

// statements is the plan of the bank statements, ready to write.
type statements struct {
	l            *ledger
	from         int32   // first day of the period
	months       []int32 // first day of each month of the period, then last+1
	firstPayment int     // index of the first payment in the period
	acct         [2]stmtAccount
	payers       []payer
	offices      []party
	provider     party
	suppliers    []party
	taxOffice    party
	out          []outgoing
	creditorID   string // our SEPA creditor identifier (incassant-ID)
}

var (
	bankCodesNL  = []string{"INGB", "RABO", "ABNA", "SNSB", "TRIO", "KNAB", "BUNQ", "ASNB"}
	bankWeightNL = []float64{34, 28, 22, 5, 3, 3, 3, 2}
	bicsNL       = map[string]string{
		"INGB": "INGBNL2A", "RABO": "RABONL2U", "ABNA": "ABNANL2A", "SNSB": "SNSBNL2A",
		"TRIO": "TRIONL2U", "KNAB": "KNABNL2H", "BUNQ": "BUNQNL2A", "ASNB": "ASNBNL21",
	}
	officeNames = []string{
		"Administratiekantoor De Boer", "Boekhoudburo Smit & Partners B.V.",
		"Fiscaal Adviesbureau Jansen", "Accountantskantoor Noord B.V.",
	}
	supplierNames = []string{
		"Groothandel Van Leeuwen B.V.", "Energie Direct Zakelijk B.V.", "Kantoorvakhuis Utrecht",
		"Transportbedrijf Kok", "Verhuur Bedrijfspanden Noord B.V.", "ICT Beheer Holland B.V.",
		"Schoonmaakbedrijf De Wit", "Leasemaatschappij Centraal B.V.",
	}
)

// planStatements draws the statements of the last cfg.StatementMonths
// months of l.
func planStatements(ctx context.Context, l *ledger, cfg Config) (*statements, error) {
	r := rand.New(rand.NewPCG(cfg.Seed, statementStream))
	s := &statements{l: l}
	cal := l.cal
	ey, em, _ := cfg.End.Date()
	start := time.Date(ey, em-time.Month(cfg.StatementMonths-1), 1, 0, 0, 0, 0, time.UTC)
	s.from = int32(max(start.Sub(cal.first)/(24*time.Hour), 0))
	for d := s.from; d <= cal.last; d++ {
		if d == s.from || cal.month[d] != cal.month[d-1] {
			s.months = append(s.months, d)
		}
	}
	s.months = append(s.months, cal.last+1)
	s.firstPayment = sort.Search(len(l.payments), func(k int) bool { return l.payments[k].day >= s.from })

	used := make(map[string]bool)
	s.acct[0] = stmtAccount{iban: newIBAN(r, used, "NL", "RABO"), bic: "RABONL2U", bank: "Rabobank"}
	s.acct[1] = stmtAccount{iban: newIBAN(r, used, "NL", "INGB"), bic: "INGBNL2A", bank: "ING Bank N.V."}
	for a := range s.acct {
		s.acct[a].opening = 1_500_000 + r.Int64N(4_500_000)
	}
	// A SEPA creditor identifier: check digits as of an IBAN, but computed
	// without the business code ZZZ.
	kvk := strconv.Itoa(10_000_000+r.IntN(90_000_000)) + "0000"
	s.creditorID = match.IBAN("NL", kvk)[:4] + "ZZZ" + kvk
	for _, n := range officeNames {
		s.offices = append(s.offices, party{n, newIBAN(r, used, "NL", pickBank(r))})
	}
	s.provider = party{"Stichting Mollie Payments", newIBAN(r, used, "NL", "ABNA")}
	for _, n := range supplierNames {
		s.suppliers = append(s.suppliers, party{n, newIBAN(r, used, "NL", pickBank(r))})
	}
	// The tax office's real account, which every Dutch company pays into.
	s.taxOffice = party{"Belastingdienst", match.IBAN("NL", "INGB0002445588")}

	s.drawPayers(r, used)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.planPayments(r)
	s.planOutgoing(r)
	for a := range s.acct {
		s.number(a)
	}
	return s, ctx.Err()
}

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

// monthRange returns the transactions of account a in month m.
func (s *statements) monthRange(a, m int) []stmtTx {
	txs := s.acct[a].txs
	lo := sort.Search(len(txs), func(i int) bool { return txs[i].day >= s.months[m] })
	hi := sort.Search(len(txs), func(i int) bool { return txs[i].day >= s.months[m+1] })
	return txs[lo:hi]
}

// appendTxID appends the transaction id the parsers give t on account a:
// the bank reference, with the position in a split batch entry.
func (s *statements) appendTxID(b []byte, a int, t *stmtTx) []byte {
	b = s.appendBankRef(b, a, t)
	if t.sub > 0 {
		b = strconv.AppendInt(append(b, '/'), int64(t.sub), 10)
	}
	return b
}

// appendBankRef appends the bank's reference of t's entry: on A (camt
// AcctSvcrRef) the booking date and an 8-digit entry number, on B (MT940,
// after "//") "ING", the date as YYMMDD and a 7-digit number.
func (s *statements) appendBankRef(b []byte, a int, t *stmtTx) []byte {
	d := s.l.cal.text[t.day]
	if a == 0 {
		b = append(b, d[0:4]...)
		b = append(b, d[5:7]...)
		b = append(b, d[8:10]...)
		return appendPadded(b, int64(t.entry), 8)
	}
	b = append(b, "ING"...)
	b = appendYYMMDD(b, d)
	return appendPadded(b, int64(t.entry), 7)
}

// appendYYMMDD appends a calendar text date as YYMMDD.
func appendYYMMDD(b []byte, d [10]byte) []byte {
	b = append(b, d[2:4]...)
	b = append(b, d[5:7]...)
	return append(b, d[8:10]...)
}

// counterparty returns who t's money comes from or goes to.
func (s *statements) counterparty(t *stmtTx) party {
	switch t.from {
	case fromOutgoing:
		return s.out[t.out].party
	case fromProvider:
		return s.provider
	}
	p := &s.l.payments[t.pay]
	py := &s.payers[p.cust]
	switch t.from {
	case fromOffice:
		return s.offices[py.office]
	case fromSecond:
		return party{py.name, py.iban[1]}
	}
	return party{py.name, py.iban[0]}
}

// appendInvoiceDigits appends the ten digits of invoice i's number, from
// which its structured references are made ("2024000123").
func (l *ledger) appendInvoiceDigits(b []byte, i int32) []byte {
	inv := &l.invoices[i]
	b = appendPadded(b, int64(l.cal.year[inv.day]), 4)
	return appendPadded(b, int64(inv.num), 6)
}

// appendRemittance appends t's remittance information: the structured
// reference for remKenmerk and remRF, the free text otherwise, with its
// typing error applied.
func (s *statements) appendRemittance(b []byte, t *stmtTx) []byte {
	if t.kind == kindOutgoing {
		return append(b, s.out[t.out].text...)
	}
	l := s.l
	p := &l.payments[t.pay]
	start := len(b)
	switch t.rem {
	case remNone:
		return b
	case remKenmerk, remRF:
		var d [16]byte
		num := string(l.appendInvoiceDigits(d[:0], p.inv))
		if t.rem == remRF {
			b = append(b, match.RFReference(num)...)
		} else {
			b = append(b, match.Betalingskenmerk(num)...)
		}
	default:
		if t.from == fromOffice && p.ref != refName {
			// An office names its client, then what is paid.
			b = append(b, l.customers[p.cust].name...)
			if p.ref == refEmpty {
				return b
			}
			b = append(b, ' ')
		}
		b = l.appendReferenceText(b, p)
	}
	if t.typo != 0 {
		mistype(b[start:], t.typo, t.rem != remText)
	}
	return b
}

// mistype changes one digit of the invoice number in b, or swaps two
// neighbouring ones, as bits say. In a structured reference the number is
// its last ten digits; in a text the first "YYYY-NNNNNN".
func mistype(b []byte, bits uint32, structured bool) {
	var pos [10]int
	n := 0
	if structured {
		for i := len(b) - 10; i < len(b); i++ {
			pos[n] = i
			n++
		}
	} else {
		at := invoiceNumberAt(b)
		if at < 0 {
			return
		}
		for j := range 11 {
			if j != 4 {
				pos[n] = at + j
				n++
			}
		}
	}
	k := int(bits>>1) % n
	if bits&1 == 1 && k+1 < n && pos[k+1] == pos[k]+1 && b[pos[k]] != b[pos[k+1]] {
		b[pos[k]], b[pos[k+1]] = b[pos[k+1]], b[pos[k]]
		return
	}
	d := b[pos[k]] - '0'
	b[pos[k]] = '0' + (d+1+byte(bits>>16)%9)%10
}

// invoiceNumberAt returns where the first "YYYY-NNNNNN" starts in b, or -1.
func invoiceNumberAt(b []byte) int {
	isDigit := func(c byte) bool { return c >= '0' && c <= '9' }
outer:
	for i := 0; i+11 <= len(b); i++ {
		for j := range 11 {
			if j == 4 {
				if b[i+j] != '-' {
					continue outer
				}
			} else if !isDigit(b[i+j]) {
				continue outer
			}
		}
		return i
	}
	return -1
}

// endToEndID appends the end-to-end id of the collection of invoice i; the
// return of the collection carries the same.
func (l *ledger) appendEndToEndID(b []byte, i int32) []byte {
	return l.appendInvoiceNumber(append(b, "SDD-"...), i)
}

// appendMandateID appends the direct debit mandate of customer ci.
func appendMandateID(b []byte, ci int32) []byte {
	return appendCustomerID(append(b, "MNDT-"...), ci)
}

// write writes the statement files, customer_accounts.csv and
// statement_truth.csv into dir and returns their paths.
func (s *statements) write(ctx context.Context, dir string) ([]string, error) {
	sdir := filepath.Join(dir, StatementsDir)
	if err := os.MkdirAll(sdir, 0o755); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	var paths []string
	put := func(path string, write func(context.Context, *csvWriter) error) error {
		if err := writeFile(ctx, path, write); err != nil {
			return fmt.Errorf("demo: write %s: %w", path, err)
		}
		paths = append(paths, path)
		return nil
	}
	if err := put(filepath.Join(dir, CustomerAccountsFile), s.writeCustomerAccounts); err != nil {
		return nil, err
	}
	if err := put(filepath.Join(dir, StatementTruthFile), s.writeTruth); err != nil {
		return nil, err
	}
	balance := [2]int64{s.acct[0].opening, s.acct[1].opening}
	for m := range len(s.months) - 1 {
		month := string(s.l.cal.text[s.months[m]][:7])
		cw := camtWriter{s: s, month: m, opening: balance[0]}
		if err := put(filepath.Join(sdir, "camt053-"+month+".xml"), cw.write); err != nil {
			return nil, err
		}
		mw := mt940Writer{s: s, month: m, opening: balance[1]}
		if err := put(filepath.Join(sdir, "mt940-"+month+".sta"), mw.write); err != nil {
			return nil, err
		}
		balance = [2]int64{cw.closing, mw.closing}
	}
	return paths, nil
}

// monthSum returns the sum of txs in cents.
func monthSum(txs []stmtTx) int64 {
	var sum int64
	for i := range txs {
		sum += txs[i].cents
	}
	return sum
}

func (s *statements) writeCustomerAccounts(ctx context.Context, w *csvWriter) error {
	w.line = append(w.line, "customer_id,iban,name"...)
	if err := w.end(); err != nil {
		return err
	}
	for i := range s.payers {
		if i%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		py := &s.payers[i]
		for k := range int(py.nIBAN) {
			if py.known&(1<<k) == 0 {
				continue
			}
			b := appendCustomerID(w.line, int32(i))
			b = append(append(b, ','), py.iban[k]...)
			w.line = appendField(append(b, ','), py.name)
			if err := w.end(); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *statements) writeTruth(ctx context.Context, w *csvWriter) error {
	w.line = append(w.line, "transaction_id,account,booking_date,amount,payment_id,customer_id,invoice_ids,kind,noise"...)
	if err := w.end(); err != nil {
		return err
	}
	l := s.l
	n := 0
	for a := range s.acct {
		acct := &s.acct[a]
		for i := range acct.txs {
			if n++; n%ctxEvery == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			t := &acct.txs[i]
			b := s.appendTxID(w.line, a, t)
			b = append(append(b, ','), acct.iban...)
			b = append(append(b, ','), l.cal.text[t.day][:]...)
			b = creditflow.Money(t.cents).AppendText(append(b, ','))
			b = append(b, ',')
			if t.pay >= 0 {
				p := &l.payments[t.pay]
				b = appendPadded(append(b, "PAY-"...), int64(t.pay)+1, 9)
				b = appendCustomerID(append(b, ','), p.cust)
				b = l.appendInvoiceIDs(append(b, ','), p)
			} else {
				b = append(b, ",,"...)
			}
			b = append(append(b, ','), kindNames[t.kind]...)
			b = append(b, ',')
			sep := false
			for k, name := range noiseNames {
				if t.noise&(1<<k) != 0 {
					if sep {
						b = append(b, ';')
					}
					b = append(b, name...)
					sep = true
				}
			}
			w.line = b
			if err := w.end(); err != nil {
				return err
			}
		}
	}
	return nil
}

// appendInvoiceIDs appends the space-separated invoices p is meant for:
// the listed ones of a lump, the one a loose reference names, nothing for a
// lump without a list (the ledger does not keep it).
func (l *ledger) appendInvoiceIDs(b []byte, p *payment) []byte {
	switch {
	case p.ref == refLumpList:
		for k, i := range l.lumps[p.aux : p.aux+int32(p.n)] {
			if k > 0 {
				b = append(b, ' ')
			}
			b = l.appendInvoiceID(b, i)
		}
		return b
	case p.inv >= 0:
		return l.appendInvoiceID(b, p.inv)
	case p.ref == refLoose || p.ref == refName:
		return l.appendInvoiceID(b, p.aux)
	}
	return b
}
