package risk

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/store"
)

// CustomerDetail is everything the risk engine knows of one customer.
type CustomerDetail struct {
	Score     creditflow.RiskScore   `json:"score"`
	Features  Features               `json:"features"`
	Limit     creditflow.CreditLimit `json:"limit"`
	History   []PaymentRecord        `json:"history"`
	OpenItems []creditflow.OpenItem  `json:"open_items"`
}

// PaymentRecord is how one invoice was paid, as known on the as-of date.
// DaysLate is paid_on - due_date for a paid invoice (negative: early),
// as-of - due_date for an open one past due (so far), null for an open one
// not yet due. PaidOn is null while the invoice is open.
type PaymentRecord struct {
	InvoiceID   string           `json:"invoice_id"`
	InvoiceDate creditflow.Date  `json:"invoice_date"`
	DueDate     creditflow.Date  `json:"due_date"`
	PaidOn      creditflow.Date  `json:"paid_on"`
	DaysLate    *float64         `json:"days_late"`
	Amount      creditflow.Money `json:"amount"`
	OpenAmount  creditflow.Money `json:"open_amount"`
}

// Customer returns the score, features, limit, payment history (invoices
// in date order, credit notes left out) and open items of one customer.
// An unknown id gives an error wrapping creditflow.ErrNotFound.
func (e *Engine) Customer(ctx context.Context, asOf creditflow.Date, id string) (CustomerDetail, error) {
	s, err := e.Scores(ctx, asOf)
	if err != nil {
		return CustomerDetail{}, err
	}
	i, ok := s.index[id]
	if !ok {
		return CustomerDetail{}, fmt.Errorf("customer %q: %w", id, creditflow.ErrNotFound)
	}
	d := CustomerDetail{Score: s.Customers[i], Features: s.features[i], Limit: s.limits[i]}
	if d.History, err = paymentHistory(ctx, e.q, asOf, s.Currency, id); err != nil {
		return CustomerDetail{}, err
	}
	if d.OpenItems, _, err = OpenItems(ctx, e.q, OpenItemsQuery{AsOf: asOf, CustomerID: id, Limit: MaxLimit}); err != nil {
		return CustomerDetail{}, err
	}
	return d, nil
}

// paymentHistory runs risk_customer_history.sql.
func paymentHistory(ctx context.Context, q store.Querier, asOf creditflow.Date, cur, id string) ([]PaymentRecord, error) {
	out := []PaymentRecord{}
	err := store.EachRow(ctx, q, store.Query("risk_customer_history"), func(rows *sql.Rows) error {
		var r PaymentRecord
		if err := rows.Scan(&r.InvoiceID, &r.InvoiceDate, &r.DueDate, &r.PaidOn, store.Money(&r.Amount), store.Money(&r.OpenAmount)); err != nil {
			return err
		}
		switch {
		case !r.PaidOn.IsZero():
			d := float64(r.PaidOn.DaysSince(r.DueDate))
			r.DaysLate = &d
		case asOf.After(r.DueDate.Time):
			d := float64(asOf.DaysSince(r.DueDate))
			r.DaysLate = &d
		}
		out = append(out, r)
		return nil
	}, asOf, cur, id)
	if err != nil {
		return nil, fmt.Errorf("payment history of %s: %w", id, err)
	}
	return out, nil
}

// CreditLimit returns the credit limit of one customer from the scores of
// asOf (computed first when not cached). Unknown id → ErrNotFound.
func (e *Engine) CreditLimit(ctx context.Context, asOf creditflow.Date, id string) (creditflow.CreditLimit, error) {
	s, err := e.Scores(ctx, asOf)
	if err != nil {
		return creditflow.CreditLimit{}, err
	}
	i, ok := s.index[id]
	if !ok {
		return creditflow.CreditLimit{}, fmt.Errorf("customer %q: %w", id, creditflow.ErrNotFound)
	}
	return s.limits[i], nil
}
