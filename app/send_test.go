package app_test

import (
	"context"
	"testing"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/outbox"
)

// TestSentLettersAreStepsTaken: a dry run leaves the worklist as it is;
// after a run, the printed letters' steps are taken and leave the worklist
// at once, while the e-mails that could not go (no mail server) stay.
func TestSentLettersAreStepsTaken(t *testing.T) {
	ctx := context.Background()
	a := newApp(t)
	today := creditflow.NewDate(testEnd)
	letterSteps := func() int {
		t.Helper()
		w, err := a.Worklist(ctx, today)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, task := range w.Tasks {
			if task.Channel == dunning.Email || task.Channel == dunning.Letter {
				n++
			}
		}
		return n
	}
	before := letterSteps()
	if before == 0 {
		t.Fatal("the test ledger has no letter today")
	}
	cfg := app.SendConfig{PrintDir: t.TempDir(), Retry: outbox.Retry{Attempts: 1}}
	dry, err := a.SendLetters(ctx, cfg, app.SendRequest{AsOf: today, DryRun: true})
	if err != nil || dry.Count(outbox.WouldSend) != before || letterSteps() != before {
		t.Fatalf("dry run: %d would send, %v; want %d and the worklist unchanged", dry.Count(outbox.WouldSend), err, before)
	}
	// The e-mails go to a server that is not there.
	for i := range dry.Outcomes {
		if dry.Outcomes[i].By == outbox.ByEmail {
			cfg.SMTP = outbox.SMTPConfig{Addr: "127.0.0.1:1", From: "debiteuren@voorbeeld.example"}
			break
		}
	}
	rep, err := a.SendLetters(ctx, cfg, app.SendRequest{AsOf: today})
	if cfg.SMTP.Addr != "" {
		// Nothing listens on port 1: the e-mails wait, the print batch
		// goes out, and the worklist keeps only the e-mails' steps.
		if err == nil || rep.Count(outbox.Deferred) == 0 {
			t.Fatalf("no mail server: %v, %d deferred", err, rep.Count(outbox.Deferred))
		}
	} else if err != nil {
		t.Fatal(err)
	}
	if got := letterSteps(); got != before-rep.Count(outbox.Printed) || rep.Count(outbox.Printed) == 0 {
		t.Errorf("after %d printed: %d letter steps, want %d", rep.Count(outbox.Printed), got, before-rep.Count(outbox.Printed))
	}
}
