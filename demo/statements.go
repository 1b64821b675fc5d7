package demo

import (
	"context"
	"math/rand/v2"
	"sort"
	"strconv"
	"time"

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
