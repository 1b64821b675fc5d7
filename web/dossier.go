package web

import (
	"net/http"

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
