package ledgertest

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/demo"
	"github.com/creditflow/creditflow/ingest"
	"github.com/creditflow/creditflow/store"
)

// Ingest loads the files into db, the run's clock standing at now.
func Ingest(tb testing.TB, db *store.DB, now time.Time, paths ...string) {
	tb.Helper()
	if _, err := ingest.Files(context.Background(), db, paths, ingest.Options{Now: func() time.Time { return now }}); err != nil {
		tb.Fatalf("ingest: %v", err)
	}
}

// Date parses a YYYY-MM-DD date.
func Date(tb testing.TB, s string) creditflow.Date {
	tb.Helper()
	return must(tb, creditflow.ParseDate, s)
}

// Money parses an amount such as 1234.50.
func Money(tb testing.TB, s string) creditflow.Money {
	tb.Helper()
	return must(tb, creditflow.ParseMoney, s)
}

func must[T any](tb testing.TB, parse func(string) (T, error), s string) T {
	tb.Helper()
	v, err := parse(s)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// DemoFiles are the customers, invoices and payments files of the demo
// ledger in dir.
func DemoFiles(dir string) []string {
	return []string{filepath.Join(dir, demo.CustomersFile), filepath.Join(dir, demo.InvoicesFile), filepath.Join(dir, demo.PaymentsFile)}
}

// Demo writes the demo ledger of cfg into dir.
func Demo(tb testing.TB, dir string, cfg demo.Config) {
	tb.Helper()
	if _, err := demo.Generate(context.Background(), dir, cfg); err != nil {
		tb.Fatal(err)
	}
}

// DemoDB generates the demo ledger of cfg and ingests it, the clock at
// cfg.End, into a database file beside it that is closed when the test
// ends. It returns the database and the directory of the ledger's files.
// When the environment variable keepEnv names a directory, the ledger and
// the database are kept in a directory of it named after cfg, and reused
// by later runs.
func DemoDB(tb testing.TB, cfg demo.Config, keepEnv string) (*store.DB, string) {
	tb.Helper()
	ctx := context.Background()
	dir := tb.TempDir()
	if keep := os.Getenv(keepEnv); keepEnv != "" && keep != "" {
		dir = filepath.Join(keep, fmt.Sprintf("%s-%d-%d-%d-%d", cfg.End.Format("20060102"), cfg.Customers, cfg.Invoices, cfg.Seed, cfg.Years))
	}
	path := filepath.Join(dir, "ledger.duckdb")
	_, statErr := os.Stat(path)
	fresh := statErr != nil
	if fresh {
		Demo(tb, dir, cfg)
	}
	db, err := store.Open(ctx, path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if fresh {
		if _, err := ingest.Files(ctx, db, DemoFiles(dir), ingest.Options{Now: func() time.Time { return cfg.End }}); err != nil {
			db.Close()
			os.Remove(path)
			tb.Fatal(err)
		}
	}
	return db, dir
}

// CutDemo copies the demo ledger in dir into a new temporary directory
// without the invoices and payments dated after last, and returns that
// directory. It fails the test when nothing is dated after last.
func CutDemo(tb testing.TB, dir string, last creditflow.Date) string {
	tb.Helper()
	cut := tb.TempDir()
	copyRows(tb, dir, cut, demo.CustomersFile, "", "")
	copyRows(tb, dir, cut, demo.InvoicesFile, "invoice_date", last.String())
	copyRows(tb, dir, cut, demo.PaymentsFile, "payment_date", last.String())
	return cut
}

// copyRows copies the CSV file name from the directory src to dst, without
// the rows whose column col is after last; col "" copies every row.
func copyRows(tb testing.TB, src, dst, name, col, last string) {
	tb.Helper()
	f, err := os.Open(filepath.Join(src, name))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	out := rows
	if col != "" {
		k := slices.Index(rows[0], col)
		if k < 0 {
			tb.Fatalf("%s: no column %s", name, col)
		}
		out = rows[:1:1]
		for _, r := range rows[1:] {
			if r[k] <= last {
				out = append(out, r)
			}
		}
		if len(out) == len(rows) {
			tb.Fatalf("%s: nothing after %s", name, last)
		}
	}
	g, err := os.Create(filepath.Join(dst, name))
	if err != nil {
		tb.Fatal(err)
	}
	if err := csv.NewWriter(g).WriteAll(out); err != nil {
		tb.Fatal(err)
	}
	if err := g.Close(); err != nil {
		tb.Fatal(err)
	}
}

// BenchInvoices is the number of invoices of the benchmarks' demo ledgers:
// $CREDITFLOW_BENCH_INVOICES, 100,000 when it is not set.
func BenchInvoices() (int, error) {
	s := os.Getenv("CREDITFLOW_BENCH_INVOICES")
	if s == "" {
		return 100_000, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("CREDITFLOW_BENCH_INVOICES=%q: want a positive number", s)
	}
	return n, nil
}
