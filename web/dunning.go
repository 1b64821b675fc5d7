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

// handleDunningWorklist answers GET /api/dunning/worklist?as_of=&limit=
// and the filters of the worklist page (step, channel, segment, owner,
// class, customer, min, max): the tasks in JSON, each with its reason for
// people in the caller's language (reason_text), or with format=csv or
// format=xlsx every task the filters keep as a file (see exportWorklist).
func (s *Server) handleDunningWorklist(w http.ResponseWriter, r *http.Request) {
	switch format := r.URL.Query().Get("format"); format {
	case "", "json":
		s.answer(s.dunningWorklistJSON)(w, r)
	case "csv", "xlsx":
		s.exportWorklist(w, r, format)
	default:
		s.writeError(w, r, fmt.Errorf("%w: format %q: expected json, csv or xlsx", creditflow.ErrInvalid, format))
	}
}

// dunningWorklistJSON is the JSON answer of handleDunningWorklist: the
// first limit tasks the filters keep; total counts the whole worklist.
func (s *Server) dunningWorklistJSON(r *http.Request) (any, error) {
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
	l := s.lang(r)
	f, err := readWorklistFilter(r.URL.Query(), l)
	if err != nil {
		return nil, err
	}
	wl, err := s.app.Worklist(r.Context(), asOf)
	if err != nil {
		return nil, err
	}
	out := wl.Worklist
	out.Tasks = make([]dunning.Task, 0, min(limit, len(wl.Tasks)))
	for _, t := range wl.Tasks {
		if len(out.Tasks) == limit {
			break
		}
		if f.keep(wl, t) {
			t.ReasonText = t.ReasonIn(l, wl.Currency)
			out.Tasks = append(out.Tasks, t)
		}
	}
	return out, nil
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
