package dunning_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/dunning"
)

func TestDefaultPolicy(t *testing.T) {
	p := dunning.DefaultPolicy()
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	ladders := []struct {
		kind creditflow.CustomerKind
		want string // name:days_past_due:channel, comma-separated
	}{
		{creditflow.B2B, "friendly_reminder:1:email,second_reminder:14:email,call:21:phone,aanmaning:30:letter," +
			"last_call:40:phone,ingebrekestelling:50:letter,handover:65:letter"},
		{creditflow.B2C, "reminder:1:email,veertiendagenbrief:14:letter,aanmaning:35:letter,handover:50:letter"},
	}
	for _, l := range ladders {
		var got []string
		for _, s := range p.LadderFor(l.kind, "any") {
			got = append(got, s.Name+":"+strconv.Itoa(s.Trigger.DaysPastDue)+":"+string(s.Channel))
			if strings.Contains(strings.ToLower(s.Name+s.Template), "first") {
				t.Errorf("step %s / %s: never word a reminder as the first", s.Name, s.Template)
			}
		}
		if strings.Join(got, ",") != l.want {
			t.Errorf("%s ladder:\n got %s\nwant %s", l.kind, strings.Join(got, ","), l.want)
		}
	}
	if p.MinAmount != 2500 || p.PromiseGraceDays != 3 || p.CallCapacity != 40 || p.ArrangementBrokenStep != "aanmaning" {
		t.Errorf("defaults: min %s, grace %d, calls %d, arrangement broken step %q", p.MinAmount, p.PromiseGraceDays, p.CallCapacity, p.ArrangementBrokenStep)
	}
	// The printed policy spells out every step's term and whether it is
	// required, the very values the defaults by letter form give.
	for _, l := range []struct {
		kind     creditflow.CustomerKind
		required string
	}{{creditflow.B2B, "ingebrekestelling"}, {creditflow.B2C, "veertiendagenbrief"}} {
		for _, s := range p.LadderFor(l.kind, "any") {
			if s.Required == nil || *s.Required != (s.Name == l.required) {
				t.Errorf("%s step %s: required %v, want only %s required", l.kind, s.Name, s.Required, l.required)
			}
			implied := s
			implied.Required, implied.TermDays = nil, 0
			if implied.RequiredFor(l.kind) != *s.Required || (s.Name != "second_reminder" && implied.Term() != s.TermDays) {
				t.Errorf("%s step %s: required %v, term %d; by its letter form %v, %d", l.kind, s.Name, *s.Required, s.TermDays,
					implied.RequiredFor(l.kind), implied.Term())
			}
		}
	}
	b, err := json.Marshal(p.B2B[5])
	if err != nil || !strings.Contains(string(b), `"required":true`) || !strings.Contains(string(b), `"term_days":7`) {
		t.Errorf("ingebrekestelling as JSON: %s, %v", b, err)
	}
}

func TestLoadPolicy(t *testing.T) {
	cases := []struct {
		name, json string
		check      func(t *testing.T, p dunning.Policy)
		wantErr    string
	}{
		{name: "empty object keeps the defaults", json: `{}`, check: func(t *testing.T, p dunning.Policy) {
			if len(p.B2B) != 7 || p.MinAmount != 2500 {
				t.Errorf("got %d steps, min %s", len(p.B2B), p.MinAmount)
			}
		}},
		{name: "fields override", json: `{"min_amount": 50, "call_capacity": 10, "overrides": {"C9": {"ladder": [{"name":"call","trigger":{"days_past_due":3},"channel":"phone","template":"vip","effect":0.5,"cost":8}]}}}`,
			check: func(t *testing.T, p dunning.Policy) {
				if p.MinAmount != 5000 || p.CallCapacity != 10 || len(p.B2C) != 4 {
					t.Errorf("got min %s, calls %d, b2c %d steps", p.MinAmount, p.CallCapacity, len(p.B2C))
				}
				if l := p.LadderFor(creditflow.B2B, "C9"); len(l) != 1 || l[0].Template != "vip" {
					t.Errorf("override ladder of C9: %+v", l)
				}
			}},
		{name: "after-previous trigger", json: `{"b2c": [{"name":"r","trigger":{"days_past_due":1},"channel":"email","template":"r"},{"name":"l","trigger":{"days_after_previous":14},"channel":"letter","template":"l"}]}`},
		{name: "invoice-dated trigger, term and required", json: `{"arrangement_broken_step": "call", "b2b": [{"name":"r","trigger":{"days_after_invoice":40},"channel":"email","template":"r","term_days":10},{"name":"i","trigger":{"days_after_invoice":60},"channel":"letter","template":"b2b_ingebrekestelling","required":false}]}`,
			check: func(t *testing.T, p dunning.Policy) {
				if p.ArrangementBrokenStep != "call" || len(p.B2B) != 2 || p.B2B[0].Trigger.DaysAfterInvoice != 40 || p.B2B[0].Term() != 10 {
					t.Errorf("got %q, %+v", p.ArrangementBrokenStep, p.B2B)
				}
				if p.B2B[0].RequiredFor(creditflow.B2B) || p.B2B[1].RequiredFor(creditflow.B2B) || p.B2B[1].Term() != 7 {
					t.Errorf("required %v %v, term %d: want neither required (the file says so), term 7", p.B2B[0].RequiredFor(creditflow.B2B),
						p.B2B[1].RequiredFor(creditflow.B2B), p.B2B[1].Term())
				}
			}},
		{name: "required by letter form when left out", json: `{"b2b": [{"name":"i","trigger":{"days_past_due":50},"channel":"letter","template":"b2b_ingebrekestelling"}]}`,
			check: func(t *testing.T, p dunning.Policy) {
				if s := p.B2B[0]; s.Required != nil || !s.RequiredFor(creditflow.B2B) || s.RequiredFor(creditflow.B2C) {
					t.Errorf("ingebrekestelling without required: %+v, want required for a business only", s)
				}
			}},
		{name: "invoice and past-due triggers", json: `{"b2c": [{"name":"r","trigger":{"days_past_due":1,"days_after_invoice":30},"channel":"email"}]}`, wantErr: "days_after_invoice"},
		{name: "invoice-dated steps out of order", json: `{"b2c": [{"name":"a","trigger":{"days_after_invoice":40},"channel":"email"},{"name":"b","trigger":{"days_after_invoice":35},"channel":"email"}]}`, wantErr: "days_after_invoice 35 is before"},
		{name: "negative term", json: `{"b2c": [{"name":"r","trigger":{"days_past_due":1},"channel":"email","term_days":-1}]}`, wantErr: "term_days"},
		{name: "unknown field", json: `{"min_amont": 50}`, wantErr: "min_amont"},
		{name: "bad channel", json: `{"b2c": [{"name":"r","trigger":{"days_past_due":1},"channel":"fax"}]}`, wantErr: "channel"},
		{name: "two triggers", json: `{"b2c": [{"name":"r","trigger":{"days_past_due":1,"days_after_previous":2},"channel":"email"}]}`, wantErr: "trigger"},
		{name: "first step after previous", json: `{"b2c": [{"name":"r","trigger":{"days_after_previous":2},"channel":"email"}]}`, wantErr: "first step"},
		{name: "steps out of order", json: `{"b2c": [{"name":"a","trigger":{"days_past_due":10},"channel":"email"},{"name":"b","trigger":{"days_past_due":5},"channel":"email"}]}`, wantErr: "before the previous"},
		{name: "repeated name", json: `{"b2c": [{"name":"a","trigger":{"days_past_due":1},"channel":"email"},{"name":"a","trigger":{"days_past_due":5},"channel":"email"}]}`, wantErr: "unique"},
		{name: "effect above 1", json: `{"b2c": [{"name":"a","trigger":{"days_past_due":1},"channel":"email","effect":1.5}]}`, wantErr: "effect"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "policy.json")
			if err := os.WriteFile(path, []byte(c.json), 0o644); err != nil {
				t.Fatal(err)
			}
			p, err := dunning.LoadPolicy(path)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want one about %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.check != nil {
				c.check(t, p)
			}
		})
	}
}
