package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/store"
	"github.com/creditflow/creditflow/web"
)

// sendFourteenDayLetter records that consumer C2 of the small ledger was
// sent the 14-day letter (veertiendagenbrief) on 2025-02-03; it ran out on
// 2025-02-20, so that the formal reminder may follow.
func sendFourteenDayLetter(tb testing.TB, db *store.DB) {
	tb.Helper()
	d, err := creditflow.ParseDate("2025-02-03")
	if err != nil {
		tb.Fatal(err)
	}
	a := dunning.NewAction{CustomerID: "C2", Type: dunning.LetterSent, Step: "veertiendagenbrief", ActionDate: d}
	if _, err := dunning.RecordAction(context.Background(), db, dunning.DefaultPolicy(), a, "test", d.Add(10*time.Hour)); err != nil {
		tb.Fatal(err)
	}
}

// TestDunningAPI records actions through POST /api/actions and watches the
// worklist change. On 2025-03-01 the small ledger has C1 (b2b) with I2
// 30.50 overdue since 2025-02-09 (20 days: the second reminder is due) and
// C2 (b2c) with I3 80.25 overdue since 2025-01-19 (41 days: the formal
// reminder is due, since C2's 14-day letter of 2025-02-03 ran out); C3's
// I4 is not yet due.
func TestDunningAPI(t *testing.T) {
	db := ledgerTestDB(t)
	sendFourteenDayLetter(t, db)
	srv, tok := serveTestDB(t, db)

	worklist := func() map[string]dunning.Task {
		t.Helper()
		var w dunning.Worklist
		getJSON(t, srv.URL+"/api/dunning/worklist?as_of=2025-03-01&limit=10", tok.viewer, &w)
		m := map[string]dunning.Task{}
		for _, task := range w.Tasks {
			m[task.CustomerID] = task
		}
		if len(m) != w.Total {
			t.Errorf("worklist: %d tasks, total %d", len(m), w.Total)
		}
		return m
	}
	before := worklist()
	if len(before) != 2 || before["C1"].Step != "second_reminder" || before["C2"].Step != "aanmaning" {
		t.Fatalf("worklist before the actions: %+v", before)
	}
	if before["C1"].AmountOverdue != 3050 || before["C2"].AmountOverdue != 8025 || before["C2"].Invoices != 1 {
		t.Errorf("worklist amounts: C1 %s, C2 %s", before["C1"].AmountOverdue, before["C2"].AmountOverdue)
	}

	post := func(token, body string) apiResponse {
		t.Helper()
		return do(t, newRequest(t, http.MethodPost, srv.URL+"/api/actions", token, []byte(body), "application/json"))
	}
	good := `{"customer_id":"C2","type":"letter_sent","step":"aanmaning","note":"sent by post"}`
	t.Run("auth", func(t *testing.T) {
		checkJSONError(t, "no token", post("", good), http.StatusUnauthorized)
		checkJSONError(t, "viewer", post(tok.viewer, good), http.StatusForbidden)
	})
	t.Run("bad input names the field", func(t *testing.T) {
		cases := []struct{ name, body, field string }{
			{"not JSON", `{"customer_id":`, "body"},
			{"unknown field", `{"customer_id":"C1","type":"note","colour":"red"}`, "colour"},
			{"no customer", `{"type":"note"}`, "customer_id"},
			{"unknown customer", `{"customer_id":"NOPE","type":"note"}`, "customer_id"},
			{"unknown type", `{"customer_id":"C1","type":"shout"}`, "type"},
			{"bad date", `{"customer_id":"C1","type":"note","date":"2025-02-30"}`, "date"},
			{"future date", `{"customer_id":"C1","type":"note","date":"2025-03-02"}`, "date"},
			{"promise without date", `{"customer_id":"C1","type":"promise_to_pay"}`, "promise_date"},
			{"promise before the action", `{"customer_id":"C1","type":"promise_to_pay","date":"2025-02-20","promise_date":"2025-02-10"}`, "promise_date"},
			{"bad amount", `{"customer_id":"C1","type":"promise_to_pay","promise_date":"2025-03-10","amount":"1.234"}`, "amount"},
			{"negative amount", `{"customer_id":"C1","type":"note","amount":-5}`, "amount"},
			{"invoice of another customer", `{"customer_id":"C1","type":"dispute","invoice_ids":["I3"],"reason":"goods damaged"}`, "invoice_ids"},
			{"dispute without invoices", `{"customer_id":"C1","type":"dispute"}`, "invoice_ids"},
			{"dispute without reason", `{"customer_id":"C2","type":"dispute","invoice_ids":["I3"]}`, "reason"},
			{"owner of a letter", `{"customer_id":"C2","type":"letter_sent","owner":"bea"}`, "owner"},
			{"unknown step", `{"customer_id":"C1","type":"reminder_sent","step":"third_reminder"}`, "step"},
		}
		for _, c := range cases {
			e := checkJSONError(t, c.name, post(tok.collector, c.body), http.StatusBadRequest)
			if !strings.Contains(e.Error, c.field) {
				t.Errorf("%s: error %q does not name %s", c.name, e.Error, c.field)
			}
		}
	})

	resp := post(tok.collector, good)
	if resp.status != http.StatusCreated {
		t.Fatalf("POST /api/actions: %d, want 201: %s", resp.status, resp.body)
	}
	var a dunning.Action
	if err := json.Unmarshal(resp.body, &a); err != nil {
		t.Fatal(err)
	}
	if a.ID == 0 || a.ActionDate.String() != "2025-03-01" || a.CreatedBy != "api:test collector" ||
		len(a.InvoiceIDs) != 1 || a.InvoiceIDs[0] != "I3" {
		t.Errorf("stored action %+v: want today's, by the collector, covering I3", a)
	}
	var audits int
	if err := db.QueryRowContext(context.Background(), `SELECT count(*) FROM audit_log WHERE action = 'dunning_action' AND actor = 'api:test collector'`).Scan(&audits); err != nil || audits != 1 {
		t.Errorf("audit log: %d dunning_action entries, %v; want 1", audits, err)
	}
	after := worklist()
	if _, ok := after["C2"]; ok || after["C1"].Step != "second_reminder" {
		t.Errorf("after the aanmaning of C2 the worklist is %+v, want only C1", after)
	}

	// A dispute returns its reason and its owner: who recorded it.
	resp = post(tok.collector, `{"customer_id":"C2","type":"dispute","invoice_ids":["I3"],"reason":"wrong price"}`)
	var d dunning.Action
	if err := json.Unmarshal(resp.body, &d); err != nil || resp.status != http.StatusCreated ||
		d.Reason != "wrong price" || d.Owner != "api:test collector" {
		t.Errorf("POST dispute: %d %s, want 201 with reason and owner", resp.status, resp.body)
	}

	// An admin records C1's promise to pay: C1 leaves the worklist too.
	resp = post(tok.admin, `{"customer_id":"C1","type":"promise_to_pay","promise_date":"2025-03-07","amount":"30.50"}`)
	if resp.status != http.StatusCreated {
		t.Fatalf("POST promise: %d, want 201: %s", resp.status, resp.body)
	}
	if after := worklist(); len(after) != 0 {
		t.Errorf("after the promise the worklist is %+v, want empty", after)
	}
	if resp := do(t, newRequest(t, http.MethodGet, srv.URL+"/api/dunning/worklist?limit=x", tok.viewer, nil, "")); resp.status != http.StatusBadRequest {
		t.Errorf("limit=x: %d, want 400", resp.status)
	}
}

// TestDunningPolicyConfig serves the worklist under Config.DunningPolicy: a
// policy that puts C2 on a ladder of one custom step and raises the minimum
// amount above C1's 30.50 changes the worklist,
// and a step of the policy only is accepted by POST /api/actions.
func TestDunningPolicyConfig(t *testing.T) {
	db := ledgerTestDB(t)
	tok := createTokens(t, db)
	p := dunning.DefaultPolicy()
	p.MinAmount = 5000
	p.Overrides = map[string]dunning.CustomerOverride{"C2": {Ladder: []dunning.Step{
		{Name: "custom_nudge", Trigger: dunning.Trigger{DaysPastDue: 1}, Channel: dunning.Email, Template: "b2b_friendly_reminder", Effect: 0.3, Cost: 50},
	}}}
	cases := []struct {
		name   string
		policy *dunning.Policy
		want   map[string]string // customer: step
	}{
		{"default policy", nil, map[string]string{"C1": "second_reminder", "C2": "veertiendagenbrief"}},
		{"policy file", &p, map[string]string{"C2": "custom_nudge"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := startAPIServer(t, db, func(c *web.Config) { c.DunningPolicy = tc.policy })
			var w dunning.Worklist
			getJSON(t, srv.URL+"/api/dunning/worklist?as_of=2025-03-01", tok.viewer, &w)
			got := map[string]string{}
			for _, task := range w.Tasks {
				got[task.CustomerID] = task.Step
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("worklist %v, want %v", got, tc.want)
			}
			resp := do(t, newRequest(t, http.MethodPost, srv.URL+"/api/actions", tok.collector,
				[]byte(`{"customer_id":"C2","type":"reminder_sent","step":"custom_nudge","date":"2025-02-28"}`), "application/json"))
			wantStatus := http.StatusBadRequest
			if tc.policy != nil {
				wantStatus = http.StatusCreated
			}
			if resp.status != wantStatus {
				t.Errorf("POST custom_nudge: status %d, want %d: %s", resp.status, wantStatus, resp.body)
			}
		})
	}
}
