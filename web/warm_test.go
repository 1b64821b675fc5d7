package web_test

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/creditflow/creditflow/app/apptest"
	"github.com/creditflow/creditflow/web"
)

// TestWarmUp serves with Config.Warm: today's figures are computed when the
// server starts and again after an upload changed the ledger, and the
// server still shuts down cleanly.
func TestWarmUp(t *testing.T) {
	db := openRiskTestDB(t)
	tok := createTokens(t, db)
	var logs apptest.SyncBuffer
	srv := web.New(web.Config{DB: db, Logger: slog.New(slog.NewTextHandler(&logs, nil)),
		Now: func() time.Time { return riskNow }, Warm: true})
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- srv.ListenAndServe(ctx, "127.0.0.1:0", func(a net.Addr) { addrc <- a.String() })
	}()
	base := "http://" + <-addrc
	waitFor := func(n int) {
		t.Helper()
		for deadline := time.Now().Add(2 * time.Minute); strings.Count(logs.String(), `msg="warmed up" as_of=`+riskAsOf) < n; {
			if time.Now().After(deadline) {
				t.Fatalf("no warm-up %d in the log:\n%s", n, logs.String())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	waitFor(1)

	invoices := "invoice_id,customer_id,invoice_date,due_date,amount\nWARM-1,C000001,2025-06-30,2025-07-30,100.00\n"
	body, ct := multipartBody(t, []upload{{"invoices.csv", invoices}}, nil)
	if resp := do(t, newRequest(t, http.MethodPost, base+"/api/ingest", tok.admin, body, ct)); resp.status != http.StatusOK {
		t.Fatalf("POST /api/ingest: %d %s", resp.status, resp.body)
	}
	waitFor(2)

	cancel()
	if err := <-done; err != nil {
		t.Fatalf("ListenAndServe: %v", err)
	}
	if n := strings.Count(logs.String(), "warm-up"); n != 0 {
		t.Errorf("%d warm-up(s) failed:\n%s", n, logs.String())
	}
}
