package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/dunning"
)

// The legal calculators of the dunning module: extrajudicial collection
// costs (WIK scale) and statutory interest, each answered with the
// calculation line by line. They read no ledger data.

// legalAmount reads the required amount parameter: EUR with at most two
// decimals, not negative.
func legalAmount(r *http.Request) (creditflow.Money, error) {
	v := r.URL.Query().Get("amount")
	if v == "" {
		return 0, fmt.Errorf("%w: amount is required: the principal in EUR, like 1234.56", creditflow.ErrInvalid)
	}
	m, err := creditflow.ParseMoney(v)
	if err != nil || m < 0 {
		return 0, fmt.Errorf("%w: amount %q: expected a principal >= 0 in EUR with a dot and at most two decimals, like 1234.56", creditflow.ErrInvalid, v)
	}
	return m, nil
}

// legalKind reads the required kind parameter, b2b or b2c.
func legalKind(r *http.Request) (creditflow.CustomerKind, error) {
	v := r.URL.Query().Get("kind")
	switch k := creditflow.CustomerKind(strings.ToLower(v)); k {
	case creditflow.B2B, creditflow.B2C:
		return k, nil
	case "":
		return "", fmt.Errorf("%w: kind is required: b2b or b2c", creditflow.ErrInvalid)
	default:
		return "", fmt.Errorf("%w: kind %q: expected b2b or b2c", creditflow.ErrInvalid, v)
	}
}

// legalDate reads a date parameter; def is used when it is absent and not
// the zero Date, else the parameter is required.
func legalDate(r *http.Request, name string, def creditflow.Date) (creditflow.Date, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		if def.IsZero() {
			return def, fmt.Errorf("%w: %s is required: a date YYYY-MM-DD", creditflow.ErrInvalid, name)
		}
		return def, nil
	}
	d, err := creditflow.ParseDate(v)
	if err != nil {
		return d, fmt.Errorf("%w: %s %q: expected YYYY-MM-DD", creditflow.ErrInvalid, name, v)
	}
	return d, nil
}

// handleCollectionCosts answers GET /api/legal/collection-costs?amount=&kind=
// with dunning.CollectionCosts.
func (s *Server) handleCollectionCosts(r *http.Request) (any, error) {
	amount, err := legalAmount(r)
	if err != nil {
		return nil, err
	}
	kind, err := legalKind(r)
	if err != nil {
		return nil, err
	}
	return dunning.CollectionCosts(amount, kind)
}

// handleInterest answers GET /api/legal/interest?amount=&from=&to=&kind=
// with dunning.StatutoryInterest at the built-in rates; from is the due
// date, to the last day of interest (default today).
func (s *Server) handleInterest(r *http.Request) (any, error) {
	amount, err := legalAmount(r)
	if err != nil {
		return nil, err
	}
	from, err := legalDate(r, "from", creditflow.Date{})
	if err != nil {
		return nil, err
	}
	to, err := legalDate(r, "to", creditflow.NewDate(s.now()))
	if err != nil {
		return nil, err
	}
	if to.Before(from.Time) {
		return nil, fmt.Errorf("%w: to %s is before from %s", creditflow.ErrInvalid, to, from)
	}
	kind, err := legalKind(r)
	if err != nil {
		return nil, err
	}
	rates, err := dunning.DefaultRates()
	if err != nil {
		return nil, fmt.Errorf("built-in rates: %v", err) // a broken build, not the user's fault
	}
	return dunning.StatutoryInterest(amount, from, to, kind, rates)
}
