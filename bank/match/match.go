package match

import (
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
	RuleLetterReference     Rule = "letter_reference"     // the payment reference of a sent dunning letter (rule_letter.go)
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

	// letters are the sent dunning letters by reference (letterKey).
	letters map[string]letterRef

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
