package app_test

import (
	"os"
	"testing"
)

// tempDir makes a directory for the ledger shared by the tests of the run;
// TestMain removes it.
func tempDir() (string, error) { return os.MkdirTemp("", "creditflow-app-test-") }

func TestMain(m *testing.M) {
	code := m.Run()
	if ledgerDir != "" {
		os.RemoveAll(ledgerDir)
	}
	os.Exit(code)
}
