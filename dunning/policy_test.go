package dunning_test

import (
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
	if p.MinAmount != 2500 || p.PromiseGraceDays != 3 || p.CallCapacity != 40 {
		t.Errorf("defaults: min %s, grace %d, calls %d", p.MinAmount, p.PromiseGraceDays, p.CallCapacity)
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
