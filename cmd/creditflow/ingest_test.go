package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestIngestPrintsWhatItDetected ingests an export through a mapping file
// and wants the detection printed, and a bad mapping file refused.
func TestIngestPrintsWhatItDetected(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "ledger.duckdb")
	testdata := filepath.Join("..", "..", "ingest", "testdata", "dialect")
	out := mustRunCLI(t, envOf(nil), "ingest", "--db", dbPath, "--mapping", filepath.Join(testdata, "mapped", "mapping.json"),
		filepath.Join(testdata, "canonical", "customers.csv"), filepath.Join(testdata, "mapped", "export.csv"))
	for _, want := range []string{
		"export.csv: read as invoices: format csv; delimiter semicolon; encoding UTF-8; numbers 1.234,56; dates mm-dd-yyyy; kind from header; " +
			`columns "Nr" → invoice_id, "Klant" → customer_id, "Datum" → invoice_date, "Verval" → due_date, "Te ontvangen" → amount, "Betwist" → disputed, "Omschrijving" → description, currency = "EUR"`,
		"ingested 2 file(s)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("ingest printed %q, want %q", out, want)
		}
	}

	bad := filepath.Join(dir, "mapping.json")
	if err := os.WriteFile(bad, []byte(`{"invoices": {"columns": {"factuur": "Nr"}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := runCLI(t, envOf(nil), "ingest", "--db", dbPath, "--mapping", bad, filepath.Join(testdata, "mapped", "export.csv"))
	if err == nil || !strings.Contains(err.Error(), `invoices: unknown column "factuur"`) {
		t.Errorf("bad mapping file: %v", err)
	}
}
