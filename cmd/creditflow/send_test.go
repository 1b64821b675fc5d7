package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/creditflow/creditflow/outbox"
)

// TestDunningSend sends the letters of a small ledger through the command
// line: a dry run sends and records nothing, a run mails A and E and puts C
// (no e-mail address) in the print batch, and a second run sends nothing.
func TestDunningSend(t *testing.T) {
	dir, getenv := ledgerDB(t, map[string]string{
		"customers.csv": "customer_id,name,country,segment,kind,payment_terms_days,credit_limit,registration_id,email,phone,language\n" +
			"A,Alfa B.V.,NL,retail,b2b,30,,,info@alfa.example,,\nE,English Ltd,GB,retail,b2b,30,,,ap@english.example,,en\n" +
			"C,Carla Consument,NL,consumer,b2c,14,,,,,nl\n",
		"invoices.csv": "invoice_id,customer_id,invoice_date,due_date,amount,currency,disputed,description\n" +
			"A1,A,2025-01-30,2025-03-01,1000.00,EUR,false,\nE1,E,2025-01-30,2025-03-01,2000.00,EUR,false,\nC1,C,2025-02-15,2025-03-01,300.00,EUR,false,\n",
	})
	addr, be := startSMTP(t, "collector", "s3cret")
	printDir := filepath.Join(dir, "print")
	vars := map[string]string{"CREDITFLOW_DB": getenv("CREDITFLOW_DB"), "CREDITFLOW_SMTP_ADDR": addr,
		"CREDITFLOW_SMTP_USER": "collector", "CREDITFLOW_SMTP_PASSWORD": "s3cret"}
	getenv = envOf(vars)
	args := []string{"dunning", "send", "--as-of", "2025-03-02", "--creditor-email", "debiteuren@voorbeeld.example", "--print-dir", printDir}

	out := mustRunCLI(t, getenv, append(args, "--dry-run")...)
	if !strings.Contains(out, "3 letters would go out, 2 by e-mail and 1 to print") || !strings.Contains(out, "ap@english.example") ||
		!strings.Contains(out, "Friendly reminder") || !strings.Contains(out, "1,000.00") {
		t.Errorf("dry run:\n%s", out)
	}
	if _, err := os.Stat(printDir); err == nil || len(be.received()) != 0 {
		t.Fatalf("the dry run wrote or sent (%d mails)", len(be.received()))
	}

	// Without a mail server nothing goes out, and the command says why.
	vars["CREDITFLOW_SMTP_ADDR"] = ""
	wantCLIError(t, getenv, args, "--smtp-addr")
	vars["CREDITFLOW_SMTP_ADDR"] = addr

	out = mustRunCLI(t, getenv, append(args, "--json")...)
	var rep outbox.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	if rep.Count(outbox.Sent) != 2 || rep.Count(outbox.Printed) != 1 || len(be.received()) != 2 {
		t.Fatalf("sent %d, printed %d, received %d: want 2, 1, 2\n%s", rep.Count(outbox.Sent), rep.Count(outbox.Printed), len(be.received()), out)
	}
	if _, err := os.Stat(rep.PrintBatch); err != nil || filepath.Dir(rep.PrintBatch) != printDir {
		t.Errorf("print batch %q: %v", rep.PrintBatch, err)
	}
	// The steps are taken: the worklist has none of them left today.
	out = mustRunCLI(t, getenv, args...)
	if !strings.Contains(out, "0 sent by e-mail, 0 printed") || len(be.received()) != 2 {
		t.Errorf("second run:\n%s", out)
	}

	// Only a letter left unconfirmed can be resolved.
	wantCLIError(t, getenv, []string{"dunning", "resolve", "1", "sent"}, "letter 1 is sent")
	wantCLIError(t, getenv, []string{"dunning", "resolve", "999", "again"}, "no letter 999")
	wantCLIError(t, getenv, []string{"dunning", "resolve", "one", "sent"}, "expected a number")
	wantCLIError(t, getenv, []string{"dunning", "resolve", "1"}, "LETTER_ID sent|again")

	// The password from the environment is not shown as a default.
	_, errOut, _ := runCLI(t, envOf(map[string]string{"CREDITFLOW_SMTP_PASSWORD": "hunter2"}), "dunning", "send", "-h")
	if strings.Contains(errOut, "hunter2") || !strings.Contains(errOut, "-smtp-password") {
		t.Errorf("usage shows the password or lacks the flag:\n%s", errOut)
	}
}
