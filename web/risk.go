package web

import (
	"context"
	"fmt"
	"net/http"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/risk"
)

// The payment-risk API: scores, credit limits and behaviour-change alerts of
// the risk engine (risk.Engine), which scores every customer once per as-of
// date and keeps the result until the next ingest.

// Sort orders of GET /api/customers.
const (
	sortRisk     = "risk"     // riskiest first (the default)
	sortExposure = "exposure" // largest exposure first
	sortName     = "name"     // by name
)

// customersPage is the answer of GET /api/customers.
type customersPage struct {
	AsOf      creditflow.Date    `json:"as_of"`
	Currency  string             `json:"currency"`
	Total     int                `json:"total"`
	Limit     int                `json:"limit"`
	Offset    int                `json:"offset"`
	Customers []app.CustomerRisk `json:"customers"`
}

// riskSort reads the sort parameter of GET /api/customers.
func riskSort(r *http.Request) (string, error) {
	switch v := r.URL.Query().Get("sort"); v {
	case "":
		return sortRisk, nil
	case sortRisk, sortExposure, sortName:
		return v, nil
	default:
		return "", fmt.Errorf("%w: sort %q: expected risk, exposure or name", creditflow.ErrInvalid, v)
	}
}

func (s *Server) handleCustomers(r *http.Request) (any, error) {
	asOf, err := s.asOf(r)
	if err != nil {
		return nil, err
	}
	sort, err := riskSort(r)
	if err != nil {
		return nil, err
	}
	limit, offset, err := pageParams(r, risk.DefaultLimit, risk.MaxLimit)
	if err != nil {
		return nil, err
	}
	scored, err := s.app.Scores(r.Context(), asOf)
	if err != nil {
		return nil, err
	}
	page, total, err := scored.Sorted(sort, r.URL.Query().Get("segment"), limit, offset)
	if err != nil {
		return nil, err
	}
	out := customersPage{AsOf: asOf, Currency: scored.Currency, Total: total, Limit: limit, Offset: offset,
		Customers: make([]app.CustomerRisk, len(page))}
	for i, c := range page {
		out.Customers[i] = app.NewCustomerRisk(c)
	}
	return out, nil
}

// customerDetail is the answer of GET /api/customers/{id}: the customer's
// score with everything behind it.
type customerDetail struct {
	AsOf     creditflow.Date `json:"as_of"`
	Currency string          `json:"currency"`
	app.CustomerRisk
	Kind    creditflow.CustomerKind    `json:"kind"`
	Change  creditflow.BehaviourChange `json:"change"`
	Reasons []creditflow.Reason        `json:"reasons"`
	// Features are the model's inputs, as the engine names them.
	Features risk.Features `json:"features"`
	// Limit is the answer of GET /api/customers/{id}/credit-limit.
	Limit          creditflow.CreditLimit `json:"limit"`
	PaymentHistory []risk.PaymentRecord   `json:"payment_history"`
	OpenItems      []openItemRisk         `json:"open_items"`
}

func (s *Server) handleCustomer(r *http.Request) (any, error) {
	asOf, id, err := s.customerRequest(r)
	if err != nil {
		return nil, err
	}
	scored, err := s.app.Scores(r.Context(), asOf)
	if err != nil {
		return nil, err
	}
	d, err := s.app.Customer(r.Context(), asOf, id)
	if err != nil {
		return nil, err
	}
	items, err := s.withPLate(r.Context(), asOf, d.OpenItems)
	if err != nil {
		return nil, err
	}
	history := d.History
	if history == nil {
		history = []risk.PaymentRecord{}
	}
	return customerDetail{
		AsOf: asOf, Currency: scored.Currency, CustomerRisk: app.NewCustomerRisk(d.Score), Kind: d.Score.Kind,
		Change: d.Score.Change, Reasons: nonNilReasons(d.Score.Reasons), Features: d.Features,
		Limit: roundLimit(d.Limit), PaymentHistory: history, OpenItems: items,
	}, nil
}

func (s *Server) handleCreditLimit(r *http.Request) (any, error) {
	asOf, id, err := s.customerRequest(r)
	if err != nil {
		return nil, err
	}
	l, err := s.app.CreditLimit(r.Context(), asOf, id)
	if err != nil {
		return nil, err
	}
	return roundLimit(l), nil
}

// roundLimit rounds the probability of a credit limit for the API.
func roundLimit(l creditflow.CreditLimit) creditflow.CreditLimit {
	l.PSevere = app.RoundProb(l.PSevere)
	l.Reasons = nonNilReasons(l.Reasons)
	return l
}

func nonNilReasons(rs []creditflow.Reason) []creditflow.Reason {
	if rs == nil {
		return []creditflow.Reason{}
	}
	return rs
}

// alertsPage is the answer of GET /api/alerts.
type alertsPage struct {
	AsOf     creditflow.Date    `json:"as_of"`
	Since    creditflow.Date    `json:"since"`
	Currency string             `json:"currency"`
	Total    int                `json:"total"`
	Alerts   []creditflow.Alert `json:"alerts"`
}

// sinceParam reads the since parameter: a date on or before asOf, by default
// app.AlertDays before it.
func sinceParam(r *http.Request, asOf creditflow.Date) (creditflow.Date, error) {
	v := r.URL.Query().Get("since")
	if v == "" {
		return asOf.AddDays(-app.AlertDays), nil
	}
	d, err := creditflow.ParseDate(v)
	if err != nil {
		return d, fmt.Errorf("%w: since %q: expected YYYY-MM-DD", creditflow.ErrInvalid, v)
	}
	if d.After(asOf.Time) {
		return d, fmt.Errorf("%w: since %s is after as_of %s", creditflow.ErrInvalid, d, asOf)
	}
	return d, nil
}

func (s *Server) handleAlerts(r *http.Request) (any, error) {
	asOf, err := s.asOf(r)
	if err != nil {
		return nil, err
	}
	from, err := sinceParam(r, asOf)
	if err != nil {
		return nil, err
	}
	alerts, err := s.app.Alerts(r.Context(), asOf, from)
	if err != nil {
		return nil, err
	}
	scored, err := s.app.Scores(r.Context(), asOf)
	if err != nil {
		return nil, err
	}
	return alertsPage{AsOf: asOf, Since: from, Currency: scored.Currency, Total: len(alerts), Alerts: alerts}, nil
}

// openItemRisk is an open item of GET /api/open-items and of the customer
// detail, with the probability in [0,1] that it is paid after its due date.
// GET /api/open-items adds the forecast's expected payment date and the
// probability in [0,1] that the item is paid within 30 days of the as-of
// date (withPaymentForecast); the customer detail leaves them out.
type openItemRisk struct {
	creditflow.OpenItem
	PLate               float64          `json:"p_late"`
	ExpectedPaymentDate *creditflow.Date `json:"expected_payment_date,omitempty"`
	PPaidWithin30Days   *float64         `json:"p_paid_within_30_days,omitempty"`
}

// withPLate adds the engine's p_late to open items.
func (s *Server) withPLate(ctx context.Context, asOf creditflow.Date, items []creditflow.OpenItem) ([]openItemRisk, error) {
	out := make([]openItemRisk, len(items))
	if len(items) == 0 {
		return out, nil
	}
	p, err := s.app.OpenItemPLate(ctx, asOf, items)
	if err != nil {
		return nil, err
	}
	if len(p) != len(items) {
		return nil, fmt.Errorf("p_late of open items: %d probabilities for %d items", len(p), len(items))
	}
	for i, it := range items {
		out[i] = openItemRisk{OpenItem: it, PLate: app.RoundProb(p[i])}
	}
	return out, nil
}
