package web

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/dunning"
)

// The dunning API: the day's worklist of dunning steps and the action log
// collectors write to (package dunning).

// maxActionBytes caps the body of POST /api/actions.
const maxActionBytes = 64 << 10

// dunningPolicy is the policy of the worklist and of the action checks:
// Config.DunningPolicy (creditflow serve --dunning-policy FILE), else the
// built-in policy.
func (s *Server) dunningPolicy() dunning.Policy { return s.policy }

// handleDunningWorklist answers GET /api/dunning/worklist?as_of=&limit=.
func (s *Server) handleDunningWorklist(w http.ResponseWriter, r *http.Request) {
	asOf, err := s.asOf(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	limit, err := intParam(r, "limit", dunning.DefaultLimit)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if limit > dunning.MaxLimit {
		s.writeError(w, r, fmt.Errorf("%w: limit %d: at most %d", creditflow.ErrInvalid, limit, dunning.MaxLimit))
		return
	}
	opt := dunning.Options{Policy: s.dunningPolicy(), Limit: limit}
	// The risk weight comes from the risk engine's scores (cached per as-of
	// date); without them every customer gets the policy's default weight.
	if scored, err := s.engine.Scores(r.Context(), asOf); err == nil {
		opt.Risk = func(id string) (float64, bool) {
			c, ok := scored.Customer(id)
			return c.PSevere, ok
		}
	} else if r.Context().Err() == nil {
		s.log.WarnContext(r.Context(), "dunning worklist without risk scores", slog.Any("err", err))
	}
	if opt.Effects, err = dunning.LearnEffects(r.Context(), s.db, asOf, opt.Policy); err != nil {
		s.writeError(w, r, err)
		return
	}
	wl, err := dunning.ComputeWorklist(r.Context(), s.db, asOf, opt)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, wl)
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
	a, err := dunning.RecordAction(r.Context(), s.db, s.dunningPolicy(), in, "api:"+principalFrom(r.Context()).name, s.now())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, a)
}
