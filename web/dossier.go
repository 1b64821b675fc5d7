package web

import (
	"fmt"

	"net/http"

	"github.com/creditflow/creditflow"

	"github.com/creditflow/creditflow/dunning"
)

// handleDossier answers GET /api/customers/{id}/dossier?as_of=: the
// customer's timeline up to as_of, newest first (dunning.CustomerDossier);
// 404 for an unknown customer.
func (s *Server) handleDossier(r *http.Request) (any, error) {
	asOf, id, err := s.customerRequest(r)
	if err != nil {
		return nil, err
	}
	return dunning.CustomerDossier(r.Context(), s.db, id, asOf, s.app.Policy())
}

// handleClaim answers GET /api/customers/{id}/claim?as_of=: what the
// customer owes on as_of, invoice by invoice (app.Claim); 404 for an
// unknown customer, 400 when the interest cannot be computed (a day
// before the rates table).
func (s *Server) handleClaim(r *http.Request) (any, error) {
	asOf, id, err := s.customerRequest(r)
	if err != nil {
		return nil, err
	}
	c, err := s.app.Claim(r.Context(), id, asOf)
	if err != nil {
		return nil, err
	}
	if c.Error != "" {
		return nil, fmt.Errorf("%w: claim of %s on %s: %s", creditflow.ErrInvalid, id, asOf, c.Error)
	}
	return c, nil
}
