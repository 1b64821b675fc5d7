package outbox_test

import (
	"context"
	"testing"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/demo"
	"github.com/creditflow/creditflow/demo/ledgertest"
	"github.com/creditflow/creditflow/ingest/ingesttest"
	"github.com/creditflow/creditflow/outbox"
)

// BenchmarkSendLetters sends the day's letters of the demo ledger (as
// creditflow demo makes it: 500 customers and 50,000 invoices by default,
// CREDITFLOW_BENCH_CUSTOMERS and CREDITFLOW_BENCH_INVOICES to change it) to
// an SMTP server in the test, recording each; those without an e-mail
// address go into the print batch. Each iteration starts from an empty
// letter table. It reports letters per second, rendering included.
//
//	go test -run '^$' -bench SendLetters ./outbox/
func BenchmarkSendLetters(b *testing.B) {
	ctx := context.Background()
	end := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	cfg := demo.DefaultConfig(end)
	cfg.Customers = ingesttest.EnvInt("CREDITFLOW_BENCH_CUSTOMERS", cfg.Customers)
	cfg.Invoices = ingesttest.EnvInt("CREDITFLOW_BENCH_INVOICES", cfg.Invoices)
	db, _ := ledgertest.DemoDB(b, cfg, "CREDITFLOW_BENCH_KEEP")
	asOf := creditflow.NewDate(end)
	letters := lettersOn(b, db, asOf)
	if len(letters) == 0 {
		b.Fatal("no letters on the demo's last day")
	}
	srv := startMail(b, plainServer, "", "")
	client, err := outbox.NewSMTP(outbox.SMTPConfig{Addr: srv.addr, From: "debiteuren@voorbeeld.example"})
	if err != nil {
		b.Fatal(err)
	}
	defer client.Close()
	opt := outbox.Options{Mailer: client, From: "debiteuren@voorbeeld.example", PrintDir: b.TempDir()}
	reset := func() {
		if _, err := db.ExecContext(ctx, `DELETE FROM dunning_actions WHERE created_by = ?`, outbox.DefaultActor); err != nil {
			b.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `DELETE FROM dunning_letters`); err != nil {
			b.Fatal(err)
		}
	}
	var sent, printed int
	var busy time.Duration
	for b.Loop() {
		b.StopTimer()
		reset()
		b.StartTimer()
		start := time.Now()
		rep, err := outbox.Send(ctx, db, asOf, letters, opt)
		busy += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		if rep.Problems() > 0 || rep.Count(outbox.Sent)+rep.Count(outbox.Printed) != len(letters) {
			b.Fatalf("%d problems, %d sent, %d printed of %d", rep.Problems(), rep.Count(outbox.Sent), rep.Count(outbox.Printed), len(letters))
		}
		sent, printed = rep.Count(outbox.Sent), rep.Count(outbox.Printed)
	}
	b.ReportMetric(float64(len(letters)*b.N)/busy.Seconds(), "letters/s")
	b.ReportMetric(float64(sent), "emails")
	b.ReportMetric(float64(printed), "printed")
}
