package web

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/ingest"
	"github.com/creditflow/creditflow/risk"
)

// asOf reads the as_of parameter; the default is today.
func (s *Server) asOf(r *http.Request) (creditflow.Date, error) {
	v := r.URL.Query().Get("as_of")
	if v == "" {
		return creditflow.NewDate(s.now()), nil
	}
	d, err := creditflow.ParseDate(v)
	if err != nil {
		return d, fmt.Errorf("%w: as_of %q: expected YYYY-MM-DD", creditflow.ErrInvalid, v)
	}
	return d, nil
}

// pageParams reads limit and offset: limit def by default, and at most
// max unless max is 0.
func pageParams(r *http.Request, def, max int) (limit, offset int, err error) {
	if limit, err = intParam(r, "limit", def); err != nil {
		return 0, 0, err
	}
	if offset, err = intParam(r, "offset", 0); err != nil {
		return 0, 0, err
	}
	if max > 0 && limit > max {
		return 0, 0, fmt.Errorf("%w: limit %d: at most %d", creditflow.ErrInvalid, limit, max)
	}
	return limit, offset, nil
}

// intParam reads a non-negative integer parameter with a default; for
// limit, 0 also means the default.
func intParam(r *http.Request, name string, def int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" || (name == "limit" && v == "0") {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%w: %s %q: expected a whole number >= 0", creditflow.ErrInvalid, name, v)
	}
	return n, nil
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	status, code := "ok", http.StatusOK
	if err := s.db.PingContext(r.Context()); err != nil {
		status, code = "database unavailable", http.StatusServiceUnavailable
	}
	writeJSON(w, code, map[string]string{"status": status})
}

func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/yaml")
	w.Write(openAPI)
}

func (s *Server) handleKPIs(r *http.Request) (any, error) {
	asOf, err := s.asOf(r)
	if err != nil {
		return nil, err
	}
	return risk.ComputeKPIs(r.Context(), s.db, asOf)
}

// groupedAging is the answer of GET /api/aging?group=customer|segment.
type groupedAging struct {
	AsOf     creditflow.Date         `json:"as_of"`
	Currency string                  `json:"currency"`
	Group    string                  `json:"group"`
	Groups   []creditflow.AgingGroup `json:"groups"`
}

func (s *Server) handleAging(r *http.Request) (any, error) {
	asOf, err := s.asOf(r)
	if err != nil {
		return nil, err
	}
	group := r.URL.Query().Get("group")
	if group == "" {
		return risk.AgingReport(r.Context(), s.db, asOf)
	}
	if group != "customer" && group != "segment" {
		return nil, fmt.Errorf("%w: group %q: expected customer or segment", creditflow.ErrInvalid, group)
	}
	limit, offset, err := pageParams(r, 100, 0)
	if err != nil {
		return nil, err
	}
	groups, err := risk.AgingByGroup(r.Context(), s.db, asOf, group, limit, offset)
	if err != nil {
		return nil, err
	}
	a, err := risk.AgingReport(r.Context(), s.db, asOf)
	if err != nil {
		return nil, err
	}
	return groupedAging{AsOf: asOf, Currency: a.Currency, Group: group, Groups: groups}, nil
}

// openItemsPage is the answer of GET /api/open-items.
type openItemsPage struct {
	AsOf   creditflow.Date `json:"as_of"`
	Total  int             `json:"total"`
	Limit  int             `json:"limit"`
	Offset int             `json:"offset"`
	Items  []openItemRisk  `json:"items"`
}

func (s *Server) handleOpenItems(r *http.Request) (any, error) {
	asOf, err := s.asOf(r)
	if err != nil {
		return nil, err
	}
	limit, offset, err := pageParams(r, 100, 10000)
	if err != nil {
		return nil, err
	}
	q := risk.OpenItemsQuery{AsOf: asOf, CustomerID: r.URL.Query().Get("customer_id"),
		Sort: r.URL.Query().Get("sort"), Limit: limit, Offset: offset}
	items, total, err := risk.OpenItems(r.Context(), s.db, q)
	if err != nil {
		return nil, err
	}
	withP, err := s.withPLate(r.Context(), asOf, items)
	if err != nil {
		return nil, err
	}
	if err := s.withPaymentForecast(r.Context(), asOf, withP); err != nil {
		return nil, err
	}
	return openItemsPage{AsOf: asOf, Total: total, Limit: limit, Offset: offset, Items: withP}, nil
}

func (s *Server) handleStats(r *http.Request) (any, error) {
	return risk.ComputeStats(r.Context(), s.db)
}

// handleIngest takes a multipart upload of one or more files (form field
// "file"), with optional fields "kind", "strict", "match_threshold" and
// "mapping" (the JSON of a mapping file), and ingests them with the
// same validation and guarantees as the CLI. Reads go on while it runs.
func (s *Server) handleIngest(w http.ResponseWriter, r *http.Request) {
	dir, err := os.MkdirTemp("", "creditflow-upload-")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	defer os.RemoveAll(dir)
	// Files above 32 MiB spill to disk inside ParseMultipartForm.
	if err := parseForm(r); err != nil {
		s.writeError(w, r, err)
		return
	}
	if r.MultipartForm == nil {
		s.writeError(w, r, fmt.Errorf("%w: expected a multipart/form-data upload with one or more file fields", creditflow.ErrInvalid))
		return
	}
	defer r.MultipartForm.RemoveAll()
	opt := ingest.Options{Strict: r.FormValue("strict") == "true", Actor: principalFrom(r.Context()).actor(), Now: s.now,
		DryRun: r.FormValue("dry_run") == "true"}
	if v := r.FormValue("match_threshold"); v != "" {
		th, err := strconv.ParseFloat(v, 64)
		if err != nil || th <= 0 || th > 1 {
			s.writeError(w, r, fmt.Errorf("%w: match_threshold %q: expected a confidence above 0 and at most 1", creditflow.ErrInvalid, v))
			return
		}
		opt.MatchThreshold = th
	}
	if k := r.FormValue("kind"); k != "" {
		if opt.Kind, err = ingest.ParseKind(k); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	if v := r.FormValue("mapping"); v != "" {
		if opt.Mapping, err = ingest.ParseMapping([]byte(v)); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	var paths []string
	for i, fh := range r.MultipartForm.File["file"] {
		name := filepath.Base(strings.ReplaceAll(fh.Filename, "\\", "/"))
		p := filepath.Join(dir, fmt.Sprintf("%03d-%s", i, name))
		if err := saveUpload(fh, p); err != nil {
			s.writeError(w, r, err)
			return
		}
		paths = append(paths, p)
		opt.Names = append(opt.Names, name)
	}
	if len(paths) == 0 {
		s.writeError(w, r, fmt.Errorf("%w: no files: send them in form field \"file\"", creditflow.ErrInvalid))
		return
	}
	res, err := s.app.Ingest(r.Context(), paths, opt)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}
