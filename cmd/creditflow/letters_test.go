package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLetters renders the letters of a small ledger through the command
// line: one file pair per email or letter step in the customer's language,
// an index.csv, and the creditor from a file with flags over it.
func TestLetters(t *testing.T) {
	dir, getenv := ledgerDB(t, map[string]string{
		"customers.csv": "customer_id,name,country,segment,kind,payment_terms_days,credit_limit,registration_id,email,phone,language\n" +
			"A,Alfa B.V.,NL,retail,b2b,30,,,info@alfa.example,,\nE,English Ltd,GB,retail,b2b,30,,,ap@english.example,,en\n" +
			"C,Carla Consument,NL,consumer,b2c,14,,,,,nl\n",
		"invoices.csv": "invoice_id,customer_id,invoice_date,due_date,amount,currency,disputed,description\n" +
			"A1,A,2025-01-30,2025-03-01,1000.00,EUR,false,\nE1,E,2025-01-30,2025-03-01,2000.00,EUR,false,\nC1,C,2025-02-15,2025-03-01,300.00,EUR,false,\n",
	})
	creditorFile := filepath.Join(dir, "creditor.json")
	if err := os.WriteFile(creditorFile, []byte(`{"name": "Voorbeeld B.V.", "iban": "NL91ABNA0417164300", "bic": "ABNANL2A",
		"kvk": "12345678", "email": "debiteuren@voorbeeld.example", "address": "Keizersgracht 1, Amsterdam"}`), 0o644); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name     string
		asOf     string
		flags    []string
		want     []string // files besides index.csv, without extension
		contains map[string]string
		warn     bool
	}{
		{
			name:     "friendly reminders, creditor from a file with the IBAN overridden",
			asOf:     "2025-03-02",
			flags:    []string{"--creditor", creditorFile, "--creditor-iban", "NL02RABO0123456789"},
			want:     []string{"A-friendly_reminder.nl", "C-reminder.nl", "E-friendly_reminder.en"},
			contains: map[string]string{"A-friendly_reminder.nl": "NL02RABO0123456789", "E-friendly_reminder.en": "Friendly reminder"},
		},
		{
			name:     "14-day letter and second reminders, creditor from flags only",
			asOf:     "2025-03-15",
			flags:    []string{"--creditor-name", "Voorbeeld B.V."},
			want:     []string{"A-second_reminder.nl", "C-veertiendagenbrief.nl", "E-second_reminder.en"},
			contains: map[string]string{"C-veertiendagenbrief.nl": "[ONTBREEKT: iban schuldeiser]", "E-second_reminder.en": "[MISSING: creditor iban]"},
			warn:     true,
		},
		{
			name:  "a day with only calls writes no letters",
			asOf:  "2025-03-22",
			flags: []string{"--creditor", creditorFile},
			want:  []string{"C-veertiendagenbrief.nl"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "letters")
			stdout, stderr, err := runCLI(t, getenv, append([]string{"letters", "--as-of", tc.asOf, "--out", out}, tc.flags...)...)
			if err != nil {
				t.Fatalf("letters: %v\n%s", err, stderr)
			}
			if got := strings.Contains(stderr, "placeholder"); got != tc.warn {
				t.Errorf("placeholder warning %v, want %v; stderr:\n%s", got, tc.warn, stderr)
			}
			recs := readCSV(t, filepath.Join(out, "index.csv"))
			if len(recs)-1 != len(tc.want) {
				t.Errorf("index.csv lists %d letters, want %d\n%s", len(recs)-1, len(tc.want), stdout)
			}
			for _, base := range tc.want {
				html, err := os.ReadFile(filepath.Join(out, base+".html"))
				if err != nil {
					t.Error(err)
					continue
				}
				pdf, err := os.ReadFile(filepath.Join(out, base+".pdf"))
				if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF")) {
					t.Errorf("%s.pdf: not a PDF (%v)", base, err)
				}
				if s, ok := tc.contains[base]; ok && !strings.Contains(string(html), s) {
					t.Errorf("%s.html lacks %q", base, s)
				}
			}
		})
	}

	for _, bad := range [][]string{
		{"letters", "--as-of", "2025-03-02"},
		{"letters", "--out", t.TempDir(), "--creditor", filepath.Join(dir, "nonexistent.json")},
		// The terms come from the policy's steps (term_days), so that
		// the letters and the ladder agree.
		{"letters", "--out", t.TempDir(), "--term", "14"},
		{"letters", "--out", t.TempDir(), "extra"},
	} {
		wantCLIError(t, getenv, bad)
	}
}
