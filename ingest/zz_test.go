package ingest

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"
	"os"

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
	ex("copies", `CREATE TABLE inv_copy AS FROM invoices; CREATE TABLE pay_copy AS FROM payments`)
	ex("pio false", `SET preserve_insertion_order=false`)
	ex("begin", "BEGIN")
	ex("delete", "DELETE FROM invoices; DELETE FROM payments")
	ex("insert inv", "INSERT INTO invoices FROM inv_copy")
	ex("insert pay", "INSERT INTO payments FROM pay_copy")
	ex("events in tx", `CREATE OR REPLACE TEMP TABLE ev3 AS `+cfsql.Query("allocation_events"))
	ex("events in tx", `CREATE OR REPLACE TEMP TABLE ev3 AS `+cfsql.Query("allocation_events"))
	ex("count in tx", `SELECT count(*), sum(amount) FROM invoices`)
	ex("rollback", "ROLLBACK")
	ex("count committed", `SELECT count(*), sum(amount) FROM invoices`)
	ex("events committed", `CREATE OR REPLACE TEMP TABLE ev3 AS `+cfsql.Query("allocation_events"))
}
