package creditflow

import (
	"encoding/json"
	"fmt"
)

// CustomerKind tells business customers from consumers, who get different
// legal dunning rules.
type CustomerKind string

// Customer kinds.
const (
	B2B CustomerKind = "b2b"
	B2C CustomerKind = "b2c"
)

// Customer is a debtor (*debiteur*).
type Customer struct {
	ID               string          `json:"customer_id"`
	Name             string          `json:"name"`
	Country          string          `json:"country"`
	Segment          string          `json:"segment"`
	Kind             CustomerKind    `json:"kind"`
	PaymentTermsDays int             `json:"payment_terms_days"`
	CreditLimit      *Money          `json:"credit_limit"`
	RegistrationID   string          `json:"registration_id"`
	Email            string          `json:"email"`
	Phone            string          `json:"phone"`
	Attributes       json.RawMessage `json:"attributes,omitempty"`
}

// Invoice is a sales invoice; a negative amount is a credit note.
type Invoice struct {
	ID          string `json:"invoice_id"`
	CustomerID  string `json:"customer_id"`
	InvoiceDate Date   `json:"invoice_date"`
	DueDate     Date   `json:"due_date"`
	Amount      Money  `json:"amount"`
	Currency    string `json:"currency"`
	Disputed    bool   `json:"disputed"`
	Description string `json:"description"`
}

// Payment is money received; a negative amount is a reversal (*stornering*).
type Payment struct {
	ID          string `json:"payment_id"`
	CustomerID  string `json:"customer_id"`
	InvoiceID   string `json:"invoice_id"`
	PaymentDate Date   `json:"payment_date"`
	Amount      Money  `json:"amount"`
	Method      string `json:"method"`
	Reference   string `json:"reference"`
}

// OpenItem is an invoice with an amount still open on an as-of date.
type OpenItem struct {
	InvoiceID    string `json:"invoice_id"`
	CustomerID   string `json:"customer_id"`
	CustomerName string `json:"customer_name"`
	Segment      string `json:"segment"`
	InvoiceDate  Date   `json:"invoice_date"`
	DueDate      Date   `json:"due_date"`
	Amount       Money  `json:"amount"`
	OpenAmount   Money  `json:"open_amount"`
	DaysPastDue  int    `json:"days_past_due"`
	Bucket       string `json:"bucket"`
	Disputed     bool   `json:"disputed"`
	// OriginalAmount in OriginalCurrency is the invoice as it came in, before
	// it was converted into the reporting currency of Amount.
	OriginalAmount   Money  `json:"original_amount"`
	OriginalCurrency string `json:"original_currency"`
}

// AgingBucketLabels are the aging buckets in display order, by days past due.
var AgingBucketLabels = []string{"current", "1-30", "31-60", "61-90", "90+"}

// AgingBucketLabel returns the bucket of an item that is daysPastDue days
// past its due date (zero or negative means not yet due).
func AgingBucketLabel(daysPastDue int) string {
	switch {
	case daysPastDue <= 0:
		return "current"
	case daysPastDue <= 30:
		return "1-30"
	case daysPastDue <= 60:
		return "31-60"
	case daysPastDue <= 90:
		return "61-90"
	default:
		return "90+"
	}
}

// AgingBucket is the open amount and count of items in one bucket.
type AgingBucket struct {
	Label  string `json:"label"`
	Amount Money  `json:"amount"`
	Count  int    `json:"count"`
}

// Aging is the open receivables on an as-of date, split by days past due.
type Aging struct {
	AsOf            Date          `json:"as_of"`
	Currency        string        `json:"currency"`
	OpenTotal       Money         `json:"open_total"`
	OverdueTotal    Money         `json:"overdue_total"`
	UnappliedCredit Money         `json:"unapplied_credit"`
	Buckets         []AgingBucket `json:"buckets"`
}

// AgingGroup is the aging of one customer or one segment.
type AgingGroup struct {
	Key          string        `json:"key"`
	Name         string        `json:"name,omitempty"`
	OpenTotal    Money         `json:"open_total"`
	OverdueTotal Money         `json:"overdue_total"`
	Buckets      []AgingBucket `json:"buckets"`
}

// KPIs are the standard receivables indicators on an as-of date. Days are
// calendar days rounded to 0.1; OverdueShare is a fraction in [0,1] rounded
// to 4 decimals; the CEIs are percent rounded to 0.1 (see risk.ComputeKPIs).
type KPIs struct {
	AsOf            Date    `json:"as_of"`
	Currency        string  `json:"currency"`
	OpenTotal       Money   `json:"open_total"`
	OverdueTotal    Money   `json:"overdue_total"`
	OverdueShare    float64 `json:"overdue_share"`
	UnappliedCredit Money   `json:"unapplied_credit"`
	OpenItems       int     `json:"open_items"`
	Customers       int     `json:"customers_with_open_items"`
	// DSO by the countback method: days of the most recent sales that the
	// open receivables make up.
	DSO float64 `json:"dso"`
	// BestPossibleDSO counts back only the current (not yet due) part.
	BestPossibleDSO float64 `json:"best_possible_dso"`
	// ADD (average days delinquent) is DSO minus best-possible DSO.
	ADD float64 `json:"add"`
	// CEI30 and CEI90 are the collection effectiveness index over the last
	// 30 and 90 days, in percent (100 = everything collectable was collected;
	// it can go below 0 when returned payments make the receivable grow).
	CEI30 float64 `json:"cei_30"`
	CEI90 float64 `json:"cei_90"`
	// WeightedDaysToPay is the amount-weighted average days from invoice
	// date to payment over invoices settled in the last 90 days.
	WeightedDaysToPay float64 `json:"weighted_days_to_pay"`
	// WeightedDaysLate is the same, counted from the due date.
	WeightedDaysLate float64 `json:"weighted_days_late"`
}

// Stats are row counts per table.
type Stats struct {
	Customers   int64 `json:"customers"`
	Invoices    int64 `json:"invoices"`
	Payments    int64 `json:"payments"`
	Allocations int64 `json:"allocations"`
	// StatementCredits counts the incoming credits imported from bank
	// statements, matched or not; a batch entry counts its transactions.
	StatementCredits int64 `json:"statement_credits"`
	// Unmatched counts the bank transactions waiting to be matched by hand.
	Unmatched int64 `json:"unmatched"`
}

// Role is what a user or an API token may do.
type Role string

// Roles, from least to most.
const (
	RoleViewer    Role = "viewer"
	RoleCollector Role = "collector"
	RoleAdmin     Role = "admin"
)

// ParseRole checks a role name.
func ParseRole(s string) (Role, error) {
	switch r := Role(s); r {
	case RoleViewer, RoleCollector, RoleAdmin:
		return r, nil
	}
	return "", fmt.Errorf("%w: role %q: expected viewer, collector or admin", ErrInvalid, s)
}

// Allows reports whether r includes the rights of need.
func (r Role) Allows(need Role) bool { return r.rank() >= need.rank() }

func (r Role) rank() int {
	switch r {
	case RoleViewer:
		return 1
	case RoleCollector:
		return 2
	case RoleAdmin:
		return 3
	}
	return 0
}
