package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
)

// maxSendBytes caps the body of POST /api/letters/send.
const maxSendBytes = 4 << 10

// sendBody is the body of POST /api/letters/send; every field is optional.
type sendBody struct {
	Date        creditflow.Date `json:"date"`
	DryRun      bool            `json:"dry_run"`
	RetryFailed bool            `json:"retry_failed"`
	PrintOnly   bool            `json:"print_only"`
}

// handleSendLetters answers POST /api/letters/send: the letters of the
// worklist of date (default today) go out by e-mail or into the print
// batch, each once, as the server's sending settings say; with dry_run it
// only says what would go out. 200 with the report, also when some letters
// failed (their result says so).
func (s *Server) handleSendLetters(w http.ResponseWriter, r *http.Request) {
	body, err := readJSONBody(w, r, maxSendBytes, "send body")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in sendBody
	if len(bytes.TrimSpace(body)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in); err != nil {
			s.writeError(w, r, fmt.Errorf("%w: send body: %v", creditflow.ErrInvalid, err))
			return
		}
	}
	today := creditflow.NewDate(s.now())
	if in.Date.IsZero() {
		in.Date = today
	}
	if in.Date.After(today.Time) {
		s.writeError(w, r, fmt.Errorf("%w: date %s is in the future", creditflow.ErrInvalid, in.Date))
		return
	}
	rep, err := s.app.SendLetters(r.Context(), s.send, app.SendRequest{AsOf: in.Date, DryRun: in.DryRun,
		RetryFailed: in.RetryFailed, PrintOnly: in.PrintOnly, Actor: principalFrom(r.Context()).actor()})
	if err != nil {
		s.writeError(w, r, fmt.Errorf("send letters of %s: %w", in.Date, err))
		return
	}
	writeJSON(w, http.StatusOK, rep)
}
