package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/store"
)

// TestDunningRun plans the dunning steps of a small ledger: a second run on
// the same day adds nothing, a run after missed days plans one step per
// customer, the most advanced one, and the plan table holds no duplicates.
func TestDunningRun(t *testing.T) {
	_, getenv := ledgerDB(t, map[string]string{
		"customers.csv": "customer_id,name,country,segment,kind,payment_terms_days,credit_limit,registration_id,email,phone\n" +
			"A,Alfa B.V.,NL,retail,b2b,30,,,,\nC,Carla Consument,NL,consumer,b2c,14,,,,\nP,Paid B.V.,NL,retail,b2b,30,,,,\n",
		"invoices.csv": "invoice_id,customer_id,invoice_date,due_date,amount,currency,disputed,description\n" +
			"A1,A,2025-01-30,2025-03-01,1000.00,EUR,false,\nC1,C,2025-02-15,2025-03-01,300.00,EUR,false,\nP1,P,2025-01-30,2025-03-01,700.00,EUR,false,\n",
		"payments.csv": "payment_id,customer_id,invoice_id,payment_date,amount,method,reference\nX1,P,P1,2025-03-01,700.00,transfer,\n",
	})
	dbPath := getenv("CREDITFLOW_DB")

	planRun := func(asOf string) dunning.PlanResult {
		t.Helper()
		out := mustRunCLI(t, getenv, "dunning", "run", "--as-of", asOf, "--json")
		var res dunning.PlanResult
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("dunning run %s: %v in %s", asOf, err, out)
		}
		return res
	}
	steps := func(res dunning.PlanResult) map[string]string {
		m := map[string]string{}
		for _, p := range res.Planned {
			m[p.CustomerID] = p.Step
		}
		return m
	}
	runs := []struct {
		asOf    string
		planned map[string]string
		already int
	}{
		{"2025-03-02", map[string]string{"A": "friendly_reminder", "C": "reminder"}, 0},
		{"2025-03-02", map[string]string{}, 2}, // the same day again: nothing new
		{"2025-03-03", map[string]string{}, 2}, // planned in this cycle, not yet done
		// Days missed: one step per customer, the most advanced due one.
		{"2025-04-02", map[string]string{"A": "aanmaning", "C": "veertiendagenbrief"}, 0},
		{"2025-04-02", map[string]string{}, 2},
	}
	for _, r := range runs {
		res := planRun(r.asOf)
		got := steps(res)
		if len(got) != len(r.planned) || res.AlreadyPlanned != r.already {
			t.Errorf("run %s: planned %v, already %d; want %v, already %d", r.asOf, got, res.AlreadyPlanned, r.planned, r.already)
			continue
		}
		for id, step := range r.planned {
			if got[id] != step {
				t.Errorf("run %s: %s planned %q, want %q", r.asOf, id, got[id], step)
			}
		}
	}

	db, err := store.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rows, distinct int
	if err := db.QueryRow(`SELECT count(*), count(DISTINCT (customer_id, plan_date)) FROM dunning_plan`).Scan(&rows, &distinct); err != nil {
		t.Fatal(err)
	}
	if rows != 4 || distinct != 4 {
		t.Errorf("dunning_plan has %d rows (%d distinct customer-days), want 4", rows, distinct)
	}
}

// TestDunningUsage checks the subcommand errors.
func TestDunningUsage(t *testing.T) {
	getenv := envOf(map[string]string{"CREDITFLOW_DB": filepath.Join(t.TempDir(), "cf.duckdb")})
	wantCLIError(t, getenv, []string{"dunning"}, "expected run, worklist, send or policy")
	wantCLIError(t, getenv, []string{"dunning", "frobnicate"}, `"frobnicate"`)
	out := mustRunCLI(t, getenv, "dunning", "policy")
	var p dunning.Policy
	if err := json.Unmarshal([]byte(out), &p); err != nil || p.Validate() != nil || len(p.B2B) != 7 || len(p.B2C) != 4 {
		t.Errorf("dunning policy printed %d/%d steps, %v / %v", len(p.B2B), len(p.B2C), err, p.Validate())
	}
}

// TestServeDunningPolicy checks that serve refuses a bad policy file with
// an error that names it, before it opens the database.
func TestServeDunningPolicy(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"min_amount": -1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	unknown := filepath.Join(dir, "unknown.json")
	if err := os.WriteFile(unknown, []byte(`{"ladders_typo": {}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	getenv := envOf(map[string]string{"CREDITFLOW_DB": filepath.Join(dir, "cf.duckdb")})
	for _, tc := range []struct{ name, path, want string }{
		{"invalid value", bad, "min_amount must not be negative"},
		{"unknown field", unknown, "ladders_typo"},
		{"missing file", filepath.Join(dir, "missing.json"), "missing.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runCLI(t, getenv, "serve", "--addr", "127.0.0.1:0", "--dunning-policy", tc.path)
			if err == nil || !strings.Contains(err.Error(), "--dunning-policy") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want a --dunning-policy error containing %q", err, tc.want)
			}
		})
	}
}
