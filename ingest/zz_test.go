package ingest

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"
	"os"
	"log/slog"

	cfsql "github.com/creditflow/creditflow/sql"
)

func TestZZAlloc(t *testing.T) {
	dir := os.Getenv("ZZDIR")
	if dir == "" { t.Skip() }
	ctx := context.Background()
	db, err := cfsql.Open(ctx, filepath.Join(t.TempDir(), "x.duckdb"))
	if err != nil { t.Fatal(err) }
	files := []string{filepath.Join(dir, "customers.csv"), filepath.Join(dir, "invoices.csv"), filepath.Join(dir, "payments.csv")}
	if _, err := Files(ctx, db, files, Options{}); err != nil { t.Fatal(err) }
	conn, _ := db.Conn(ctx)
	ex := func(name, q string) {
		s := time.Now()
		if _, err := conn.ExecContext(ctx, q); err != nil { t.Fatal(name, err) }
		fmt.Printf("%-40s %.3f s\n", name, time.Since(s).Seconds())
	}
	ex("alloc_customers", `CREATE OR REPLACE TEMP TABLE alloc_customers AS SELECT DISTINCT customer_id FROM invoices`)
	ex("events materialized", `CREATE OR REPLACE TEMP TABLE ev AS `+cfsql.Query("allocation_events"))
	ex("events unsorted", `CREATE OR REPLACE TEMP TABLE ev2 AS SELECT * FROM (`+cfsql.Query("allocation_events")+`) LIMIT 100000000`)
	for i := 0; i < 2; i++ {
		s := time.Now()
		n := 0
		if err := streamEvents(ctx, conn, func(e []event) { n += len(e) }); err != nil { t.Fatal(err) }
		fmt.Printf("stream %d events %.3f s\n", n, time.Since(s).Seconds())
	}
	ex("pio false", `SET preserve_insertion_order=false`)
	for i := 0; i < 2; i++ {
		ex("begin", "BEGIN")
		ex("affected", `CREATE OR REPLACE TEMP TABLE affected AS SELECT DISTINCT customer_id FROM invoices`)
		s := time.Now()
		n, err := reallocate(ctx, conn, testLogger())
		if err != nil { t.Fatal(err) }
		fmt.Printf("reallocate %d %.3f s\n", n, time.Since(s).Seconds())
		ex("commit", "COMMIT")
	}
}

func testLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
