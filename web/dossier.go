package web

import (
	"net/http"

	"github.com/creditflow/creditflow/dunning"
)

// handleDossier answers GET /api/customers/{id}/dossier?as_of=: the
// customer's timeline up to as_of, newest first (dunning.CustomerDossier);
// 404 for an unknown customer.
func (s *Server) handleDossier(w http.ResponseWriter, r *http.Request) {
	asOf, id, err := s.customerRequest(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	d, err := dunning.CustomerDossier(r.Context(), s.db, id, asOf, s.app.Policy())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}
