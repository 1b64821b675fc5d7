package ingest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	cfsql "github.com/creditflow/creditflow/sql"
)

func TestZZRules(t *testing.T) {
	dir := os.Getenv("ZZDIR")
	if dir == "" {
		t.Skip()
	}
	ctx := context.Background()
	db, err := cfsql.Open(ctx, filepath.Join(t.TempDir(), "x.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	files := []string{filepath.Join(dir, "customers.csv"), filepath.Join(dir, "invoices.csv"), filepath.Join(dir, "payments.csv")}
	if _, err := Files(ctx, db, files, Options{}); err != nil {
		t.Fatal(err)
	}
	rows, err := db.QueryContext(ctx, os.Getenv("ZZQ"))
	if err != nil {
		t.Fatal(err)
	}
	cols, _ := rows.Columns()
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		rows.Scan(ptrs...)
		fmt.Println(vals...)
	}
}
