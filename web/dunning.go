package web

import (
	"fmt"
	"net/http"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/dunning"
)

// The dunning API: the day's worklist of dunning steps and the action log
// collectors write to (package dunning).

// maxActionBytes caps the body of POST /api/actions.
const maxActionBytes = 64 << 10

// handleDunningWorklist answers GET /api/dunning/worklist?as_of=&limit=.
func (s *Server) handleDunningWorklist(r *http.Request) (any, error) {
	asOf, err := s.asOf(r)
	if err != nil {
		return nil, err
	}
	limit, err := intParam(r, "limit", dunning.DefaultLimit)
	if err != nil {
		return nil, err
	}
	if limit > dunning.MaxLimit {
		return nil, fmt.Errorf("%w: limit %d: at most %d", creditflow.ErrInvalid, limit, dunning.MaxLimit)
	}
	return s.app.WorklistTop(r.Context(), asOf, limit)
}

// handleCreateAction answers POST /api/actions: a JSON dunning.NewAction,
// recorded for the caller, 201 with the stored action.
func (s *Server) handleCreateAction(w http.ResponseWriter, r *http.Request) {
	body, err := readJSONBody(w, r, maxActionBytes, "action body")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	in, err := dunning.ParseNewAction(body)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	a, err := s.app.RecordAction(r.Context(), in, principalFrom(r.Context()).actor())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, a)
}
