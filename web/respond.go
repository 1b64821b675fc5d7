package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/ingest"
	"github.com/gorilla/mux"
)

// errorStatus maps error kinds to HTTP status codes. Anything else is an
// internal error: logged in full, answered with a generic message.
var errorStatus = []struct {
	kind   error
	status int
}{
	{creditflow.ErrInvalid, http.StatusBadRequest},
	{creditflow.ErrNotFound, http.StatusNotFound},
	{creditflow.ErrConflict, http.StatusConflict},
	{creditflow.ErrUnauthorized, http.StatusUnauthorized},
	{creditflow.ErrForbidden, http.StatusForbidden},
	{creditflow.ErrLocked, http.StatusServiceUnavailable},
	{errTooLarge, http.StatusRequestEntityTooLarge},
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// answer serves a route whose handler returns what it answers: 200 with
// the answer as JSON, or the error as writeError answers it.
func (s *Server) answer(h func(r *http.Request) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, err := h(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, v)
	}
}

// errorBody is the JSON of every error answer.
type errorBody struct {
	Error    string           `json:"error"`
	Problems []ingest.Problem `json:"problems,omitempty"`
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status := http.StatusInternalServerError
	for _, e := range errorStatus {
		if errors.Is(err, e.kind) {
			status = e.status
			break
		}
	}
	body := errorBody{Error: err.Error()}
	body.Problems = ingest.Problems(err)
	if status == http.StatusInternalServerError {
		s.log.ErrorContext(r.Context(), "internal error", slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("err", err))
		body = errorBody{Error: "internal error; see the server log"}
	}
	writeJSON(w, status, body)
}

// readJSONBody reads a JSON request body of at most max bytes; what names
// the body in the error when it is bigger.
func readJSONBody(w http.ResponseWriter, r *http.Request, max int64, what string) ([]byte, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return nil, fmt.Errorf("%w: Content-Type %q: expected application/json", creditflow.ErrInvalid, ct)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			err = fmt.Errorf("%w: %s over %d bytes", errTooLarge, what, max)
		}
		return nil, err
	}
	return body, nil
}

// pathVar is the route variable name, unescaped (the router matches the
// escaped path).
func pathVar(r *http.Request, name string) (string, error) {
	v, err := url.PathUnescape(mux.Vars(r)[name])
	if err != nil {
		return "", fmt.Errorf("%w: %s in the path: %v", creditflow.ErrInvalid, name, err)
	}
	return v, nil
}

// customerRequest reads what every route of one customer takes: the as_of
// parameter and the customer id of the path.
func (s *Server) customerRequest(r *http.Request) (creditflow.Date, string, error) {
	asOf, err := s.asOf(r)
	if err != nil {
		return asOf, "", err
	}
	id, err := pathVar(r, "id")
	return asOf, id, err
}
