package web

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
)

// The admin API under /api/admin: users, API tokens and the audit log
// (package app, Auth). Every route needs the admin role; every change is
// audited there.

// maxAdminBody caps the JSON body of an admin change.
const maxAdminBody = 16 << 10

// defaultAuditPage is the size of an audit page when limit is not given.
const defaultAuditPage = 50

// handleAdminUsers answers GET /api/admin/users.
func (s *Server) handleAdminUsers(r *http.Request) (any, error) {
	us, err := s.auth.Users(r.Context())
	if us == nil {
		us = []creditflow.User{}
	}
	return map[string]any{"users": us}, err
}

// newUserBody is the body of POST /api/admin/users.
type newUserBody struct {
	Name     string `json:"name"`
	Role     string `json:"role"`
	Lang     string `json:"lang"`
	Password string `json:"password"`
}

// handleAdminAddUser answers POST /api/admin/users: 201 with the user.
func (s *Server) handleAdminAddUser(w http.ResponseWriter, r *http.Request) {
	var in newUserBody
	if err := decodeAdminBody(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	u, err := s.auth.AddUser(r.Context(), principalFrom(r.Context()).who,
		app.NewUser{Name: in.Name, Role: creditflow.Role(in.Role), Lang: in.Lang, Password: in.Password})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, u)
}

// userChangeBody is the body of PATCH /api/admin/users/{name}: the fields
// given change.
type userChangeBody struct {
	Role     *string `json:"role"`
	Lang     *string `json:"lang"`
	Password *string `json:"password"`
}

// handleAdminChangeUser answers PATCH /api/admin/users/{name} with the
// changed user.
func (s *Server) handleAdminChangeUser(r *http.Request) (any, error) {
	name, err := pathVar(r, "name")
	if err != nil {
		return nil, err
	}
	var in userChangeBody
	if err := decodeAdminBody(nil, r, &in); err != nil {
		return nil, err
	}
	ch := app.UserChange{Lang: in.Lang, Password: in.Password}
	if in.Role != nil {
		role := creditflow.Role(*in.Role)
		ch.Role = &role
	}
	if ch.Role == nil && ch.Lang == nil && ch.Password == nil {
		return nil, fmt.Errorf("%w: nothing to change: give role, lang or password", creditflow.ErrInvalid)
	}
	return s.auth.ChangeUser(r.Context(), principalFrom(r.Context()).who, name, ch)
}

// handleAdminRemoveUser answers DELETE /api/admin/users/{name}.
func (s *Server) handleAdminRemoveUser(r *http.Request) (any, error) {
	name, err := pathVar(r, "name")
	if err != nil {
		return nil, err
	}
	if err := s.auth.RemoveUser(r.Context(), principalFrom(r.Context()).who, name); err != nil {
		return nil, err
	}
	return map[string]string{"removed": name}, nil
}

// handleAdminTokens answers GET /api/admin/tokens.
func (s *Server) handleAdminTokens(r *http.Request) (any, error) {
	ts, err := s.auth.Tokens(r.Context())
	if ts == nil {
		ts = []creditflow.APIToken{}
	}
	return map[string]any{"tokens": ts}, err
}

// newTokenBody is the body of POST /api/admin/tokens.
type newTokenBody struct {
	Name string `json:"name"`
	Role string `json:"role"`
}

// handleAdminCreateToken answers POST /api/admin/tokens: 201 with the new
// token, which is shown this once.
func (s *Server) handleAdminCreateToken(w http.ResponseWriter, r *http.Request) {
	var in newTokenBody
	if err := decodeAdminBody(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	token, err := s.auth.CreateToken(r.Context(), principalFrom(r.Context()).who, creditflow.Role(in.Role), in.Name)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	id, _, _ := strings.Cut(strings.TrimPrefix(token, "cf_"), "_")
	writeJSON(w, http.StatusCreated, map[string]string{"id": id, "name": strings.TrimSpace(in.Name), "role": in.Role, "token": token})
}

// handleAdminRevokeToken answers POST /api/admin/tokens/{id}/revoke.
func (s *Server) handleAdminRevokeToken(r *http.Request) (any, error) {
	id, err := pathVar(r, "id")
	if err != nil {
		return nil, err
	}
	if err := s.auth.RevokeToken(r.Context(), principalFrom(r.Context()).who, id); err != nil {
		return nil, err
	}
	return map[string]string{"revoked": id}, nil
}

// auditFilter reads the filter of the audit log from the query: action,
// q (a text in the actor or detail), from and to (dates, both included),
// limit and offset.
func auditFilter(r *http.Request) (app.AuditFilter, error) {
	q := r.URL.Query()
	f := app.AuditFilter{Action: strings.TrimSpace(q.Get("action")), Text: strings.TrimSpace(q.Get("q"))}
	var err error
	if f.Limit, err = intParam(r, "limit", defaultAuditPage); err != nil {
		return f, err
	}
	if f.Limit > app.MaxAuditPage {
		return f, fmt.Errorf("%w: limit %d: at most %d", creditflow.ErrInvalid, f.Limit, app.MaxAuditPage)
	}
	if f.Offset, err = intParam(r, "offset", 0); err != nil {
		return f, err
	}
	for _, d := range []struct {
		name string
		t    *time.Time
		add  int
	}{{"from", &f.From, 0}, {"to", &f.To, 1}} {
		v := q.Get(d.name)
		if v == "" {
			continue
		}
		day, err := creditflow.ParseDate(v)
		if err != nil {
			return f, fmt.Errorf("%w: %s: %v", creditflow.ErrInvalid, d.name, err)
		}
		*d.t = day.Time.AddDate(0, 0, d.add)
		if d.add == 1 {
			*d.t = d.t.Add(-time.Microsecond) // the end of the day
		}
	}
	return f, nil
}

// handleAdminAudit answers GET /api/admin/audit: a page of the audit log,
// the newest first.
func (s *Server) handleAdminAudit(r *http.Request) (any, error) {
	f, err := auditFilter(r)
	if err != nil {
		return nil, err
	}
	return s.auth.Audit(r.Context(), f, false)
}

// handleAdminAuditCSV answers GET /api/admin/audit.csv: every line of the
// audit log that the filter selects, as CSV.
func (s *Server) handleAdminAuditCSV(w http.ResponseWriter, r *http.Request) {
	f, err := auditFilter(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	page, err := s.auth.Audit(r.Context(), f, true)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="audit-%s.csv"`, s.now().Format("2006-01-02")))
	cw := csv.NewWriter(w)
	cw.Write([]string{"id", "at", "actor", "action", "detail"})
	for _, e := range page.Entries {
		cw.Write([]string{strconv.FormatInt(e.ID, 10), e.At.UTC().Format(time.RFC3339), csvCell(e.Actor), csvCell(e.Action), csvCell(string(e.Detail))})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		s.log.WarnContext(r.Context(), "write audit CSV", "err", err)
	}
}

// csvCell keeps a spreadsheet from reading a cell as a formula.
func csvCell(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

// decodeAdminBody reads a JSON body into v, refusing unknown fields.
func decodeAdminBody(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := readJSONBody(w, r, maxAdminBody, "body")
	if err != nil {
		return err
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: body: %v", creditflow.ErrInvalid, err)
	}
	return nil
}
