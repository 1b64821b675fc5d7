package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/present"
)

// adminView is the admin page: the users, the API tokens and the audit
// log. Its forms change them through /api/admin.
type adminView struct {
	pageHead
	Users  []adminUser
	Tokens []adminToken
	Roles  []option
	Langs  []option
	Audit  auditView
}

// option is a choice of a select.
type option struct {
	Value, Label string
	Selected     bool
}

type adminUser struct {
	Name, Role, RoleName, Lang, LangName string
	LastVisit, PasswordChanged           string
	// Self is the admin who looks at the page: they cannot demote or
	// remove themselves.
	Self bool
}

type adminToken struct {
	ID, Name, RoleName, Created, LastUsed, Revoked string
}

// auditView is the audit log as the page shows it: a filter, a page of
// lines and the links to the other pages and the CSV export.
type auditView struct {
	Actions      []option
	Q, From, To  string
	Rows         []auditRow
	Shown        string // "lines 1–50 of 230"
	Prev, Next   string
	CSV          string
	FilterActive bool
}

type auditRow struct {
	When, Who, What string
	Detail          []auditDetail
}

type auditDetail struct{ Label, Value string }

// adminData is what the admin page loads.
type adminData struct {
	users   []creditflow.User
	tokens  []creditflow.APIToken
	audit   app.AuditPage
	actions []string
	filter  app.AuditFilter
}

// handleAdminPage serves /admin to admins; others get 403.
func (s *Server) handleAdminPage(w http.ResponseWriter, r *http.Request, sess *session) {
	if !sess.role.Allows(creditflow.RoleAdmin) {
		h := s.newPageHead(r, sess, "admin", "/admin")
		h.Error = h.Lang.T("The admin page needs the admin role.")
		s.renderStatus(w, r, http.StatusForbidden, "admin.html", &adminView{pageHead: h})
		return
	}
	f, ferr := auditFilter(r)
	load := func(ctx context.Context, _ creditflow.Date) (adminData, error) {
		if ferr != nil {
			return adminData{}, &pageError{status: http.StatusBadRequest, msg: s.lang(r).T("The filter of the audit log is not valid: use dates as YYYY-MM-DD.")}
		}
		d := adminData{filter: f}
		var err error
		if d.users, err = s.auth.Users(ctx); err != nil {
			return d, err
		}
		if d.tokens, err = s.auth.Tokens(ctx); err != nil {
			return d, err
		}
		if d.audit, err = s.auth.Audit(ctx, f, false); err != nil {
			return d, err
		}
		d.actions, err = s.auth.AuditActions(ctx)
		return d, err
	}
	fill := func(d adminData, p *adminView) error {
		l := p.Lang
		for _, role := range []creditflow.Role{creditflow.RoleViewer, creditflow.RoleCollector, creditflow.RoleAdmin} {
			p.Roles = append(p.Roles, option{Value: string(role), Label: roleName(l, role)})
		}
		p.Langs = []option{{Value: "", Label: l.T("the browser's")}, {Value: "nl", Label: "Nederlands"}, {Value: "en", Label: "English"}}
		for _, u := range d.users {
			p.Users = append(p.Users, adminUser{Name: u.Name, Role: string(u.Role), RoleName: roleName(l, u.Role), Lang: u.Lang,
				LangName: langName(l, u.Lang), LastVisit: moment(l, u.LastVisitAt), PasswordChanged: moment(l, &u.PasswordChangedAt),
				Self: sess.who.Kind == app.PrincipalUser && u.Name == sess.name})
		}
		for _, t := range d.tokens {
			p.Tokens = append(p.Tokens, adminToken{ID: t.ID, Name: t.Name, RoleName: roleName(l, t.Role),
				Created: moment(l, &t.CreatedAt), LastUsed: moment(l, t.LastUsedAt), Revoked: moment(l, t.RevokedAt)})
		}
		p.Audit = newAuditView(l, d)
		return nil
	}
	servePage(s, w, r, sess, pageSpec{nav: "admin", template: "admin.html", failed: "The admin page could not be shown."},
		&adminView{}, load, fill)
}

// newAuditView is the audit log of the page, with the links of its pages.
func newAuditView(l present.Lang, d adminData) auditView {
	f := d.filter
	v := auditView{Q: f.Text, From: d.filterValue("from"), To: d.filterValue("to"), FilterActive: f.Action != "" || f.Text != "" || !f.From.IsZero() || !f.To.IsZero()}
	actions := append([]string(nil), d.actions...)
	sort.Slice(actions, func(i, j int) bool { return actionName(l, actions[i]) < actionName(l, actions[j]) })
	v.Actions = append(v.Actions, option{Value: "", Label: l.T("every action"), Selected: f.Action == ""})
	for _, a := range actions {
		v.Actions = append(v.Actions, option{Value: a, Label: actionName(l, a), Selected: a == f.Action})
	}
	for _, e := range d.audit.Entries {
		v.Rows = append(v.Rows, auditRow{When: moment(l, &e.At), Who: actorName(l, e.Actor), What: actionName(l, e.Action), Detail: auditDetails(l, e.Detail)})
	}
	filter := url.Values{}
	for _, k := range []string{"action", "q", "from", "to"} {
		if val := d.filterValue(k); val != "" {
			filter.Set(k, val)
		}
	}
	link := func(offset int) string {
		q := url.Values{}
		for k, vs := range filter {
			q[k] = vs
		}
		if offset > 0 {
			q.Set("offset", strconv.Itoa(offset))
		}
		if f.Limit != defaultAuditPage {
			q.Set("limit", strconv.Itoa(f.Limit))
		}
		if len(q) == 0 {
			return "/admin#audit"
		}
		return "/admin?" + q.Encode() + "#audit"
	}
	if f.Offset > 0 {
		v.Prev = link(max(f.Offset-f.Limit, 0))
	}
	if f.Offset+len(d.audit.Entries) < d.audit.Total {
		v.Next = link(f.Offset + f.Limit)
	}
	if n := len(d.audit.Entries); n > 0 {
		v.Shown = l.Tf("lines %s–%s of %s", l.Count(f.Offset+1), l.Count(f.Offset+n), l.Count(d.audit.Total))
	}
	v.CSV = "/api/admin/audit.csv"
	if len(filter) > 0 {
		v.CSV += "?" + filter.Encode()
	}
	return v
}

// filterValue is the query value of the filter's field k.
func (d adminData) filterValue(k string) string {
	f := d.filter
	switch k {
	case "action":
		return f.Action
	case "q":
		return f.Text
	case "from":
		if !f.From.IsZero() {
			return f.From.Format("2006-01-02")
		}
	case "to":
		if !f.To.IsZero() {
			return f.To.Format("2006-01-02")
		}
	}
	return ""
}

// moment is a time in words: "7 december 2026 14:05", "—" for none.
func moment(l present.Lang, t *time.Time) string {
	if t == nil || t.IsZero() {
		return "—"
	}
	local := t.In(time.Local)
	return l.LongDate(creditflow.NewDate(local)) + " " + local.Format("15:04")
}

// langName is a preferred language in words.
func langName(l present.Lang, code string) string {
	switch code {
	case "nl":
		return "Nederlands"
	case "en":
		return "English"
	}
	return l.T("the browser's")
}

// actionName is an action of the audit log in words.
func actionName(l present.Lang, action string) string {
	switch action {
	case "login":
		return l.T("Logged in")
	case "login_failed":
		return l.T("Failed login")
	case "logout":
		return l.T("Logged out")
	case "logout_everywhere":
		return l.T("Logged out everywhere")
	case "token_create":
		return l.T("API token created")
	case "token_revoke":
		return l.T("API token revoked")
	case "user_add":
		return l.T("User added")
	case "user_role":
		return l.T("Role changed")
	case "user_lang":
		return l.T("Language changed")
	case "user_password":
		return l.T("Password set")
	case "user_remove":
		return l.T("User removed")
	case "ingest":
		return l.T("Files loaded")
	case "dunning_action":
		return l.T("Dunning action recorded")
	case "match":
		return l.T("Payment matched by hand")
	}
	return strings.ReplaceAll(action, "_", " ")
}

// actorName is who did something, in words.
func actorName(l present.Lang, actor string) string {
	switch {
	case actor == "cli":
		return l.T("command line")
	case actor == "anonymous":
		return l.T("unknown visitor")
	case strings.HasPrefix(actor, "user:"):
		return strings.TrimPrefix(actor, "user:")
	case strings.HasPrefix(actor, "api:"):
		return l.Tf("%s (API token)", strings.TrimPrefix(actor, "api:"))
	}
	return actor
}

// detailFields are the detail fields of the audit log that the page shows,
// in its order, with their words; the others (ids and times the line shows
// already) are left out.
var detailFields = []struct{ key, label string }{
	{"name", "Name"}, {"role", "Role"}, {"was", "Was"}, {"lang", "Language"}, {"with", "With"}, {"token_id", "Token"},
	{"customer_id", "Customer"}, {"invoice_ids", "Invoices"}, {"payment_id", "Payment"}, {"bank_transaction", "Bank transaction"},
	{"type", "Action"}, {"action_date", "Date"}, {"promise_date", "Promised for"}, {"amount", "Amount"},
	{"step", "Step"}, {"reason", "Reason"}, {"owner", "Owner"}, {"note", "Note"},
	{"files", "Files"}, {"customers", "Customers"}, {"invoices", "Invoices"}, {"payments", "Payments"}, {"run_id", "Load"},
}

// auditDetails are the fields of an audit line's detail in words.
func auditDetails(l present.Lang, raw json.RawMessage) []auditDetail {
	var m map[string]any
	if len(raw) == 0 || json.Unmarshal(raw, &m) != nil {
		return nil
	}
	var ds []auditDetail
	for _, f := range detailFields {
		v, ok := m[f.key]
		if !ok {
			continue
		}
		if val := detailValue(l, f.key, v); val != "" {
			ds = append(ds, auditDetail{Label: l.T(f.label), Value: val})
		}
	}
	return ds
}

// detailValue is one value of an audit detail in words.
func detailValue(l present.Lang, key string, v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		switch key {
		case "role", "was":
			return roleName(l, creditflow.Role(v))
		case "lang":
			return langName(l, v)
		case "with":
			if v == "token" {
				return l.T("API token")
			}
			return l.T("password")
		case "type", "step", "reason":
			return strings.ReplaceAll(v, "_", " ")
		}
		return v
	case float64:
		if v == float64(int64(v)) {
			return l.Count(int(v))
		}
		return l.Number(v)
	case bool:
		if v {
			return l.T("yes")
		}
		return l.T("no")
	case []any:
		parts := make([]string, 0, len(v))
		for _, x := range v {
			if s := detailValue(l, key, x); s != "" {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}
