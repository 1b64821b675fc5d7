package web

import (
	"testing"

	"github.com/creditflow/creditflow/present"
)

// TestAuditWords checks that the actions, actors and detail fields of the
// audit log reach the admin page as words in both languages, never as the
// identifiers the log keeps.
func TestAuditWords(t *testing.T) {
	for _, f := range detailFields {
		if !present.HasDutch(f.label) {
			t.Errorf("no Dutch for the detail field %q", f.label)
		}
	}
	actions := []string{"login", "login_failed", "logout", "logout_everywhere", "token_create", "token_revoke",
		"user_add", "user_role", "user_lang", "user_password", "user_remove", "ingest", "dunning_action", "match"}
	for _, l := range languages {
		seen := map[string]string{}
		for _, a := range actions {
			w := actionName(l, a)
			if w == a || w == "" {
				t.Errorf("%s: action %q has no words", l.Code(), a)
			}
			if other, ok := seen[w]; ok {
				t.Errorf("%s: actions %q and %q both read %q", l.Code(), other, a, w)
			}
			seen[w] = a
		}
	}
	tests := []struct {
		actor  string
		nl, en string
	}{
		{"cli", "opdrachtregel", "command line"},
		{"user:anna", "anna", "anna"},
		{"api:scanner", "scanner (API-token)", "scanner (API token)"},
		{"anonymous", "onbekende bezoeker", "unknown visitor"},
	}
	for _, tt := range tests {
		if got := actorName(present.NL, tt.actor); got != tt.nl {
			t.Errorf("actorName(nl, %q) = %q, want %q", tt.actor, got, tt.nl)
		}
		if got := actorName(present.EN, tt.actor); got != tt.en {
			t.Errorf("actorName(en, %q) = %q, want %q", tt.actor, got, tt.en)
		}
	}
	got := auditDetails(present.NL, []byte(`{"name":"Dirk","role":"collector","was":"viewer","lang":"","token_id":"ab12","with":"token","files":["a.csv","b.csv"],"invoices":1200}`))
	want := "Naam=Dirk Rol=debiteurenbeheerder Was=lezer Taal=die van de browser Met=API-token Token=ab12 Bestanden=a.csv, b.csv Facturen=1.200 "
	var s string
	for _, d := range got {
		s += d.Label + "=" + d.Value + " "
	}
	if s != want {
		t.Errorf("details\n got %q\nwant %q", s, want)
	}
}
