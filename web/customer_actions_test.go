package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/store"
	"github.com/creditflow/creditflow/web"
)

// customerActionsServer serves the small ledger (on 2025-03-01 C1, b2b,
// owes I2 30.50, 20 days overdue: its second reminder, an e-mail, is due;
// C2, b2c, owes I3 80.25, 41 days overdue: its veertiendagenbrief, a
// letter, is due) with a print directory and no mail server, and logs in
// a collector and a viewer.
type customerActionsServer struct {
	url                       string
	db                        *store.DB
	tok                       apiTokens
	collector, viewer         *http.Cookie
	collectorCSRF, viewerCSRF string
}

func startCustomerActionsServer(t *testing.T) *customerActionsServer {
	t.Helper()
	db := ledgerTestDB(t)
	dir := t.TempDir()
	srv, tok := serveTestDB(t, db, func(c *web.Config) { c.Send = app.SendConfig{PrintDir: dir} })
	s := &customerActionsServer{url: srv.URL, db: db, tok: tok}
	s.collector, s.collectorCSRF = loginSession(t, srv.URL, tok.collector)
	s.viewer, s.viewerCSRF = loginSession(t, srv.URL, tok.viewer)
	return s
}

// act posts a form of the customer page of id as the browser does: with
// the session cookie, its CSRF token (when csrf is not "") and the page's
// language (Accept-Language lang, when not "").
func (s *customerActionsServer) act(t *testing.T, cookie *http.Cookie, csrf, lang, id string, form map[string]any) (int, map[string]string) {
	t.Helper()
	body, err := json.Marshal(form)
	if err != nil {
		t.Fatal(err)
	}
	req := newRequest(t, http.MethodPost, s.url+"/customers/"+id+"/actions", "", body, "application/json")
	req.AddCookie(cookie)
	if csrf != "" {
		req.Header.Set("X-CSRF-Token", csrf)
	}
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	resp := do(t, req)
	var ans map[string]string
	if err := json.Unmarshal(resp.body, &ans); err != nil {
		t.Fatalf("POST actions of %s: %d %s: %v", id, resp.status, resp.body, err)
	}
	return resp.status, ans
}

// worklist is the API's worklist of 2025-03-01, by customer.
func (s *customerActionsServer) worklist(t *testing.T) map[string]dunning.Task {
	t.Helper()
	var w dunning.Worklist
	getJSON(t, s.url+"/api/dunning/worklist?as_of=2025-03-01", s.tok.viewer, &w)
	m := map[string]dunning.Task{}
	for _, task := range w.Tasks {
		m[task.CustomerID] = task
	}
	return m
}

// dossier is the API's dossier of id on 2025-03-01.
func (s *customerActionsServer) dossier(t *testing.T, id string) dunning.Dossier {
	t.Helper()
	var d dunning.Dossier
	getJSON(t, s.url+"/api/customers/"+id+"/dossier?as_of=2025-03-01", s.tok.viewer, &d)
	return d
}

// audited counts the audit lines of action by actor.
func (s *customerActionsServer) audited(t *testing.T, action, actor string) int {
	t.Helper()
	var n int
	if err := s.db.QueryRowContext(context.Background(), `SELECT count(*) FROM audit_log WHERE action = ? AND actor = ?`, action, actor).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestCustomerPageActions records each action of the customer page's forms
// and checks that it is recorded, audited with who did it, shown in the
// dossier of the API and of the page, and seen by the worklist at once.
func TestCustomerPageActions(t *testing.T) {
	s := startCustomerActionsServer(t)
	const actor = "web:test collector"
	before := s.worklist(t)
	if before["C1"].Step != "second_reminder" || before["C2"].Step != "veertiendagenbrief" {
		t.Fatalf("worklist before the actions: %+v", before)
	}
	cases := []struct {
		name string
		id   string
		form map[string]any
		kind dunning.EntryKind
		text string // in the dossier's entry
		// task says whether id has a task on the worklist right after.
		task bool
	}{
		{"call", "C1", map[string]any{"action": "call", "outcome": "no_answer", "note": "try again Monday"},
			dunning.EntryKind(dunning.Call), "The customer was called on invoice I2: no answer. Note: try again Monday", true},
		{"note", "C1", map[string]any{"action": "note", "note": "Owner on holiday until 10 March"},
			dunning.EntryKind(dunning.Note), "A note was made. Note: Owner on holiday until 10 March", true},
		{"promise of all that is overdue", "C1", map[string]any{"action": "promise", "amount": "30.50", "promise_date": "2025-03-07",
			"invoice_ids": []string{"I2"}}, dunning.EntryKind(dunning.PromiseToPay), "The customer promised to pay 30.50 by 2025-03-07 on invoice I2.", false},
		{"dispute", "C2", map[string]any{"action": "dispute", "invoice_ids": []string{"I3"}, "reason": "goods damaged"},
			dunning.DisputeOpened, "The customer disputed invoice I3: goods damaged (handled by web:test collector).", false},
		{"its resolution", "C2", map[string]any{"action": "resolve", "invoice_ids": []string{"I3"}, "reason": "credit note promised"},
			dunning.EntryKind(dunning.DisputeResolved), "The dispute about invoice I3 was resolved: credit note promised.", true},
		{"pause", "C2", map[string]any{"action": "pause", "until": "2025-03-20", "reason": "debt counselling"},
			dunning.EntryKind(dunning.Pause), "Dunning was paused until 2025-03-20: debt counselling.", false},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, ans := s.act(t, s.collector, s.collectorCSRF, "", c.id, c.form)
			if status != http.StatusOK || ans["message"] == "" {
				t.Fatalf("POST %v: %d %v", c.form, status, ans)
			}
			if n := s.audited(t, "dunning_action", actor); n != i+1 {
				t.Errorf("%d audit lines by %s, want %d", n, actor, i+1)
			}
			d := s.dossier(t, c.id)
			found := false
			for _, e := range d.Entries {
				found = found || (e.Kind == c.kind && e.Text == c.text)
			}
			if !found {
				t.Errorf("the dossier of %s has no %s entry %q: %+v", c.id, c.kind, c.text, d.Entries)
			}
			if _, has := s.worklist(t)[c.id]; has != c.task {
				t.Errorf("%s on the worklist right after: %v, want %v", c.id, has, c.task)
			}
			page := getPage(t, s.url+"/customers/"+c.id+"?as_of=2025-03-01", s.collector)
			if page.status != http.StatusOK || !strings.Contains(string(page.body), htmlText(c.text)) {
				t.Errorf("the customer page of %s (%d) does not show %q", c.id, page.status, c.text)
			}
		})
	}
	t.Run("the pause holds the ladder and the page says why", func(t *testing.T) {
		page := string(getPage(t, s.url+"/customers/C2?as_of=2025-03-15", s.collector).body)
		for _, want := range []string{`class="dunning-status paused"`, "Dunning paused until 20 March 2025", `id="pause-now"`} {
			if !strings.Contains(page, want) {
				t.Errorf("the page of C2 during the pause lacks %s", want)
			}
		}
		var w dunning.Worklist
		getJSON(t, s.url+"/api/dunning/worklist?as_of=2025-03-01", s.tok.viewer, &w)
		if w.Skipped.Paused != 1 {
			t.Errorf("worklist skipped %+v, want C2 paused", w.Skipped)
		}
	})
}

// htmlText is text as html/template writes it in an element.
func htmlText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

// TestCustomerPageActionMistakes checks that a mistake in a form comes back
// in the page's language with the field it is about, and records nothing.
func TestCustomerPageActionMistakes(t *testing.T) {
	s := startCustomerActionsServer(t)
	cases := []struct {
		name, lang string
		form       map[string]any
		field      string
		msg        string // part of the message
	}{
		{"an ambiguous Dutch amount", "nl", map[string]any{"action": "promise", "amount": "1,234", "promise_date": "2025-03-07"}, "amount", "dubbelzinnig"},
		{"an English amount on a Dutch page", "nl", map[string]any{"action": "promise", "amount": "30.50", "promise_date": "2025-03-07"}, "amount", "decimaalteken"},
		{"an ambiguous English amount", "en", map[string]any{"action": "promise", "amount": "1.234", "promise_date": "2025-03-07"}, "amount", "ambiguous"},
		{"no promise date", "nl", map[string]any{"action": "promise", "amount": "30,50"}, "promise_date", "Kies de datum"},
		{"a promise before it was made", "en", map[string]any{"action": "promise", "promise_date": "2025-02-01"}, "promise_date", "before the promise was made"},
		{"a date after today", "en", map[string]any{"action": "note", "note": "x", "date": "2025-03-02"}, "date", "after today"},
		{"a dispute without invoices", "nl", map[string]any{"action": "dispute", "reason": "kapot"}, "invoice_ids", "Vink de facturen aan"},
		{"a dispute without a reason", "en", map[string]any{"action": "dispute", "invoice_ids": []string{"I2"}}, "reason", "why the customer disputes"},
		{"a pause without an end", "nl", map[string]any{"action": "pause", "reason": "x"}, "until", "laatste dag van de pauze"},
		{"a pause without a reason", "en", map[string]any{"action": "pause", "until": "2025-03-10"}, "reason", "why dunning is paused"},
		{"a call without an outcome", "en", map[string]any{"action": "call"}, "outcome", "what the call came to"},
		{"a limit without a reason", "nl", map[string]any{"action": "limit", "limit": "1.000"}, "reason", "Schrijf waarom"},
		{"a limit that is no amount", "en", map[string]any{"action": "limit", "limit": "lots", "reason": "x"}, "limit", "not an amount"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, ans := s.act(t, s.collector, s.collectorCSRF, c.lang, "C1", c.form)
			if status != http.StatusBadRequest || ans["field"] != c.field || !strings.Contains(ans["error"], c.msg) {
				t.Errorf("POST %v: %d %v, want 400 on %s saying %q", c.form, status, ans, c.field, c.msg)
			}
		})
	}
	t.Run("an invoice of another customer", func(t *testing.T) {
		status, ans := s.act(t, s.collector, s.collectorCSRF, "en", "C1", map[string]any{"action": "dispute", "invoice_ids": []string{"I3"}, "reason": "x"})
		if status != http.StatusBadRequest || !strings.HasPrefix(ans["error"], "Not done: ") || !strings.Contains(ans["error"], "not invoices of customer C1") {
			t.Errorf("%d %v", status, ans)
		}
	})
	if n := s.audited(t, "dunning_action", "web:test collector") + s.audited(t, "credit_limit", "web:test collector"); n != 0 {
		t.Errorf("%d actions audited after mistakes only, want none", n)
	}
}

// TestCustomerPageActionAccess checks the roles and the CSRF token of the
// forms and of the credit limit route.
func TestCustomerPageActionAccess(t *testing.T) {
	s := startCustomerActionsServer(t)
	note := map[string]any{"action": "note", "note": "x"}
	if status, ans := s.act(t, s.viewer, s.viewerCSRF, "", "C1", note); status != http.StatusForbidden {
		t.Errorf("a reader's note: %d %v, want 403", status, ans)
	}
	if status, ans := s.act(t, s.collector, "", "", "C1", note); status != http.StatusForbidden || !strings.Contains(ans["error"], "CSRF") {
		t.Errorf("a note without the CSRF token: %d %v, want 403", status, ans)
	}
	if status, ans := s.act(t, s.collector, "wrong", "", "C1", note); status != http.StatusForbidden {
		t.Errorf("a note with a wrong CSRF token: %d %v, want 403", status, ans)
	}
	limit := `{"credit_limit": 1000, "reason": "x"}`
	for _, c := range []struct {
		name, token string
		status      int
	}{{"no token", "", http.StatusUnauthorized}, {"viewer", s.tok.viewer, http.StatusForbidden}, {"collector", s.tok.collector, http.StatusOK}, {"admin", s.tok.admin, http.StatusOK}} {
		resp := do(t, newRequest(t, http.MethodPost, s.url+"/api/customers/C1/credit-limit", c.token, []byte(limit), "application/json"))
		if resp.status != c.status {
			t.Errorf("credit limit by %s: %d %s, want %d", c.name, resp.status, resp.body, c.status)
		}
	}
	page := string(getPage(t, s.url+"/customers/C1?as_of=2025-03-01", s.viewer).body)
	if strings.Contains(page, `data-action="note"`) || !strings.Contains(page, "Only a credit controller or an administrator can record actions") {
		t.Errorf("a reader's customer page shows the forms or does not say why not")
	}
}

// TestCreditLimitOverride sets a customer's credit limit by hand through
// the API and the page, and checks that GET /api/customers/{id}/credit-limit
// uses it (manual if set, else recommended), that clearing it brings back
// the recommendation, not the ledger's limit, and that each change is
// audited.
func TestCreditLimitOverride(t *testing.T) {
	s := startCustomerActionsServer(t)
	limitOf := func(t *testing.T) creditflow.CreditLimit {
		t.Helper()
		var l creditflow.CreditLimit
		getJSON(t, s.url+"/api/customers/C1/credit-limit", s.tok.viewer, &l)
		return l
	}
	ledger := limitOf(t)
	if ledger.ManualLimit == nil || *ledger.ManualLimit != 500000 || ledger.CreditLimit != 500000 {
		t.Fatalf("C1's limit from the ledger: %+v, want 5000.00 set by hand", ledger)
	}
	post := func(t *testing.T, body string) apiResponse {
		t.Helper()
		return do(t, newRequest(t, http.MethodPost, s.url+"/api/customers/C1/credit-limit", s.tok.collector, []byte(body), "application/json"))
	}
	resp := post(t, `{"credit_limit": "1234.56", "reason": "agreed with sales"}`)
	if resp.status != http.StatusOK {
		t.Fatalf("set: %d %s", resp.status, resp.body)
	}
	var ans struct {
		Override struct {
			Limit *creditflow.Money `json:"credit_limit"`
			SetBy string            `json:"set_by"`
		} `json:"override"`
		Limit creditflow.CreditLimit `json:"limit"`
	}
	if err := json.Unmarshal(resp.body, &ans); err != nil {
		t.Fatal(err)
	}
	if ans.Override.Limit == nil || *ans.Override.Limit != 123456 || ans.Override.SetBy != "api:test collector" || ans.Limit.CreditLimit != 123456 {
		t.Errorf("answer %s", resp.body)
	}
	if l := limitOf(t); l.CreditLimit != 123456 || l.ManualLimit == nil || *l.ManualLimit != 123456 || l.Available != 123456-l.Exposure {
		t.Errorf("after setting 1234.56: %+v", l)
	}
	resp = post(t, `{"credit_limit": null, "reason": "back to the model"}`)
	if resp.status != http.StatusOK {
		t.Fatalf("clear: %d %s", resp.status, resp.body)
	}
	if l := limitOf(t); l.ManualLimit != nil || l.CreditLimit != l.RecommendedLimit {
		t.Errorf("after clearing: %+v, want the recommended limit", l)
	}
	for _, bad := range []string{`{"reason": "x"}`, `{"credit_limit": -1, "reason": "x"}`, `{"credit_limit": 100}`, `{"credit_limit": 100, "reason": "x", "colour": 1}`} {
		if resp := post(t, bad); resp.status != http.StatusBadRequest {
			t.Errorf("%s: %d %s, want 400", bad, resp.status, resp.body)
		}
	}
	if resp := do(t, newRequest(t, http.MethodPost, s.url+"/api/customers/NOPE/credit-limit", s.tok.collector, []byte(`{"credit_limit": 1, "reason": "x"}`), "application/json")); resp.status != http.StatusNotFound {
		t.Errorf("unknown customer: %d %s", resp.status, resp.body)
	}
	// The page reads a Dutch amount exactly, and says it in Dutch.
	status, msg := s.act(t, s.collector, s.collectorCSRF, "nl", "C1", map[string]any{"action": "limit", "limit": "2.500,75", "reason": "na overleg"})
	if status != http.StatusOK || msg["message"] != "De kredietlimiet is met de hand ingesteld op € 2.500,75." {
		t.Errorf("Dutch limit: %d %v", status, msg)
	}
	if l := limitOf(t); l.CreditLimit != 250075 {
		t.Errorf("after the page's 2.500,75: %+v", l)
	}
	if n := s.audited(t, "credit_limit", "api:test collector"); n != 2 {
		t.Errorf("%d credit limit changes audited for the API, want 2", n)
	}
	if n := s.audited(t, "credit_limit", "web:test collector"); n != 1 {
		t.Errorf("%d credit limit changes audited for the page, want 1", n)
	}
	page := string(getPage(t, s.url+"/customers/C1?as_of=2025-03-01", s.collector).body)
	for _, want := range []string{"Set by hand: EUR 2,500.75.", "The credit limit was set by hand to EUR 2,500.75: na overleg (by web:test collector).",
		"The credit limit set by hand was cleared: back to the model (by api:test collector)."} {
		if !strings.Contains(page, want) {
			t.Errorf("the page does not show %q", want)
		}
	}
}

// TestCustomerLetter previews the next letter of a customer in its
// language and sends it: C2's veertiendagenbrief goes into the print
// batch; C1's reminder would go by e-mail, which without a mail server is
// refused with a message that says so.
func TestCustomerLetter(t *testing.T) {
	s := startCustomerActionsServer(t)
	for _, c := range []struct{ format, contentType, want string }{
		{"html", "text/html", "<html"}, {"pdf", "application/pdf", "%PDF"}, {"json", "application/json", `"step": "veertiendagenbrief"`},
	} {
		resp := getPage(t, s.url+"/api/customers/C2/letter?as_of=2025-03-01&format="+c.format, s.viewer)
		if resp.status != http.StatusOK || !strings.HasPrefix(resp.header.Get("Content-Type"), c.contentType) || !strings.Contains(string(resp.body), c.want) {
			t.Errorf("letter as %s: %d %s", c.format, resp.status, resp.header.Get("Content-Type"))
		}
	}
	if resp := getPage(t, s.url+"/api/customers/C3/letter?as_of=2025-03-01", s.viewer); resp.status != http.StatusNotFound {
		t.Errorf("C3 has no letter: %d %s", resp.status, resp.body)
	}
	page := string(getPage(t, s.url+"/customers/C1", s.collector).body)
	if !strings.Contains(page, "No mail server is configured, so this letter cannot go by e-mail.") {
		t.Errorf("C1's page does not say that no mail server is configured")
	}
	status, ans := s.act(t, s.collector, s.collectorCSRF, "", "C1", map[string]any{"action": "send_letter"})
	if status != http.StatusBadRequest || !strings.Contains(ans["error"], "No mail server is configured") {
		t.Errorf("sending C1's e-mail without a mail server: %d %v", status, ans)
	}
	resp := do(t, newRequest(t, http.MethodPost, s.url+"/api/customers/C1/letter/send", s.tok.collector, []byte(`{}`), "application/json"))
	if resp.status != http.StatusBadRequest || !strings.Contains(string(resp.body), "no mail server is configured") {
		t.Errorf("API send of C1 without a mail server: %d %s", resp.status, resp.body)
	}
	status, ans = s.act(t, s.collector, s.collectorCSRF, "", "C2", map[string]any{"action": "send_letter"})
	if status != http.StatusOK || !strings.Contains(ans["message"], "print batch") {
		t.Fatalf("sending C2's letter: %d %v", status, ans)
	}
	d := s.dossier(t, "C2")
	sent := false
	for _, e := range d.Entries {
		sent = sent || (e.Kind == dunning.EntryKind(dunning.LetterSent) && strings.Contains(e.Text, "veertiendagenbrief"))
	}
	if !sent {
		t.Errorf("the dossier of C2 shows no letter sent: %+v", d.Entries)
	}
	if task, ok := s.worklist(t)["C2"]; ok && task.Step == "veertiendagenbrief" {
		t.Errorf("C2's veertiendagenbrief is still due after it was sent")
	}
	var w dunning.Worklist
	getJSON(t, s.url+"/api/dunning/worklist?as_of=2025-03-01", s.tok.viewer, &w)
	if _, ok := s.worklist(t)["C1"]; !ok {
		t.Errorf("C1's reminder left the worklist though only C2's letter was sent")
	}
	status, ans = s.act(t, s.collector, s.collectorCSRF, "", "C2", map[string]any{"action": "send_letter", "print_only": true})
	if status == http.StatusOK && !strings.Contains(ans["message"], "No letter") && !strings.Contains(ans["message"], "already") {
		t.Errorf("a second send of C2's letter: %d %v", status, ans)
	}
}

// TestCustomerPageCallStep checks that a call recorded on the customer
// page while the ladder's step due is a call carries that step out: on
// 2025-03-05 C1's oldest invoice is 24 days overdue and its call is due;
// once the call is recorded, it leaves the worklist until the next step.
func TestCustomerPageCallStep(t *testing.T) {
	db := ledgerTestDB(t)
	now := apiNow.AddDate(0, 0, 4)
	srv, tok := serveTestDB(t, db, func(c *web.Config) { c.Now = func() time.Time { return now } })
	s := &customerActionsServer{url: srv.URL, db: db, tok: tok}
	s.collector, s.collectorCSRF = loginSession(t, srv.URL, tok.collector)
	task := func() (dunning.Task, bool) {
		var w dunning.Worklist
		getJSON(t, s.url+"/api/dunning/worklist", s.tok.viewer, &w)
		for _, task := range w.Tasks {
			if task.CustomerID == "C1" {
				return task, true
			}
		}
		return dunning.Task{}, false
	}
	if got, ok := task(); !ok || got.Step != "call" {
		t.Fatalf("C1's task on %s: %+v, want the call", now.Format("2006-01-02"), got)
	}
	page := string(getPage(t, s.url+"/customers/C1", s.collector).body)
	if !strings.Contains(page, `<input type="checkbox" name="step" value="call" checked> This call is the step due: phone call`) {
		t.Fatalf("the call form does not offer to carry out the call step")
	}
	status, ans := s.act(t, s.collector, s.collectorCSRF, "", "C1", map[string]any{"action": "call", "outcome": "reached", "step": "call"})
	if status != http.StatusOK {
		t.Fatalf("record the call: %d %v", status, ans)
	}
	if got, ok := task(); ok && got.Step == "call" {
		t.Errorf("C1's call is still due after it was recorded: %+v", got)
	}
}

// TestPauseThroughTheAPI records a pause with POST /api/actions: without
// its end or reason it is refused naming the field; with them the
// customer leaves the worklist at once and the dossier says why.
func TestPauseThroughTheAPI(t *testing.T) {
	s := startCustomerActionsServer(t)
	post := func(body string) apiResponse {
		return do(t, newRequest(t, http.MethodPost, s.url+"/api/actions", s.tok.collector, []byte(body), "application/json"))
	}
	for body, field := range map[string]string{
		`{"customer_id":"C2","type":"pause","reason":"x"}`:                                         "until",
		`{"customer_id":"C2","type":"pause","until":"2025-03-10"}`:                                 "reason",
		`{"customer_id":"C2","type":"pause","until":"2025-02-10","reason":"x"}`:                    "until",
		`{"customer_id":"C2","type":"note","until":"2025-03-10"}`:                                  "until",
		`{"customer_id":"C2","type":"call","outcome":"busy"}`:                                      "outcome",
		`{"customer_id":"C2","type":"pause","until":"2025-03-10","reason":"x","step":"aanmaning"}`: "step",
	} {
		if e := checkJSONError(t, body, post(body), http.StatusBadRequest); !strings.Contains(e.Error, field) {
			t.Errorf("%s: %q does not name %s", body, e.Error, field)
		}
	}
	resp := post(`{"customer_id":"C2","type":"pause","until":"2025-03-10","reason":"debt counselling"}`)
	var a dunning.Action
	if resp.status != http.StatusCreated || json.Unmarshal(resp.body, &a) != nil || a.Until.String() != "2025-03-10" || a.Reason != "debt counselling" {
		t.Fatalf("pause: %d %s", resp.status, resp.body)
	}
	if _, ok := s.worklist(t)["C2"]; ok {
		t.Errorf("C2 is on the worklist while paused")
	}
	if n := s.audited(t, "dunning_action", "api:test collector"); n != 1 {
		t.Errorf("%d audit lines, want 1", n)
	}
}
