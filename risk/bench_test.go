package risk

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/demo"
	"github.com/creditflow/creditflow/demo/ledgertest"
	"github.com/creditflow/creditflow/ingest"
	"github.com/creditflow/creditflow/store"
)

// The benchmarks run on a demo ledger of CREDITFLOW_BENCH_INVOICES invoices
// (default 100000) over three years ending on benchEnd. Building it takes a
// while; set CREDITFLOW_BENCH_DB to a file path to keep the database and
// reuse it in later runs (it is built when the file does not exist).
//
//	CREDITFLOW_BENCH_INVOICES=1000000 go test -run '^$' -bench . ./risk/
var benchEnd = time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)

var bench struct {
	once    sync.Once
	db      *store.DB
	tempDir string
	err     error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bench.db != nil {
		bench.db.Close()
	}
	if bench.tempDir != "" {
		os.RemoveAll(bench.tempDir)
	}
	os.Exit(code)
}

func benchDB(b *testing.B) (*store.DB, creditflow.Date) {
	b.Helper()
	bench.once.Do(func() { bench.db, bench.err = buildBenchDB() })
	if bench.err != nil {
		b.Fatal(bench.err)
	}
	return bench.db, creditflow.NewDate(benchEnd)
}

func buildBenchDB() (*store.DB, error) {
	ctx := context.Background()
	n, err := ledgertest.BenchInvoices()
	if err != nil {
		return nil, err
	}
	path := os.Getenv("CREDITFLOW_BENCH_DB")
	if path != "" {
		if _, err := os.Stat(path); err == nil {
			return store.Open(ctx, path)
		}
	}
	dir, err := os.MkdirTemp("", "creditflow-bench-")
	if err != nil {
		return nil, err
	}
	bench.tempDir = dir
	if path == "" {
		path = filepath.Join(dir, "bench.duckdb")
	}
	start := time.Now()
	customers := max(n/20, 50) // 1M invoices: 50k customers, as in make bench
	if v, err := strconv.Atoi(os.Getenv("CREDITFLOW_BENCH_CUSTOMERS")); err == nil && v > 0 {
		customers = v
	}
	cfg := demo.Config{Customers: customers, Invoices: n, Seed: 1, End: benchEnd, Years: 3}
	if _, err := demo.Generate(ctx, dir, cfg); err != nil {
		return nil, err
	}
	generated := time.Now()
	db, err := store.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	paths := []string{filepath.Join(dir, demo.CustomersFile), filepath.Join(dir, demo.InvoicesFile), filepath.Join(dir, demo.PaymentsFile)}
	if _, err := ingest.Files(ctx, db, paths, ingest.Options{}); err != nil {
		db.Close()
		return nil, err
	}
	s, err := ComputeStats(ctx, db)
	if err != nil {
		db.Close()
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "bench ledger: %+v; generated in %s, ingested in %s\n",
		s, generated.Sub(start).Round(time.Millisecond), time.Since(generated).Round(time.Millisecond))
	return db, nil
}

// benchQuery times f on the bench ledger. It runs f once before timing
// it, so that the ledger is in DuckDB's buffer pool, as in a running
// service.
func benchQuery(b *testing.B, f func(ctx context.Context, db *store.DB, asOf creditflow.Date) error) {
	db, asOf := benchDB(b)
	ctx := context.Background()
	f(ctx, db, asOf)
	for b.Loop() {
		if err := f(ctx, db, asOf); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAging(b *testing.B) {
	benchQuery(b, func(ctx context.Context, db *store.DB, asOf creditflow.Date) error {
		_, err := AgingReport(ctx, db, asOf)
		return err
	})
}

func BenchmarkKPIs(b *testing.B) {
	benchQuery(b, func(ctx context.Context, db *store.DB, asOf creditflow.Date) error {
		_, err := ComputeKPIs(ctx, db, asOf)
		return err
	})
}

// BenchmarkAgingHistory asks for the last 12 month-ends, as the dashboard.
func BenchmarkAgingHistory(b *testing.B) {
	var dates []creditflow.Date
	for m := 11; m >= 0; m-- {
		dates = append(dates, creditflow.NewDate(time.Date(benchEnd.Year(), benchEnd.Month()-time.Month(m), 1, 0, 0, 0, 0, time.UTC)).MonthEnd())
	}
	benchQuery(b, func(ctx context.Context, db *store.DB, _ creditflow.Date) error {
		_, err := AgingHistory(ctx, db, dates)
		return err
	})
}

func BenchmarkOpenItems(b *testing.B) {
	benchQuery(b, func(ctx context.Context, db *store.DB, asOf creditflow.Date) error {
		_, _, err := OpenItems(ctx, db, OpenItemsQuery{AsOf: asOf})
		return err
	})
}

func BenchmarkAgingByCustomer(b *testing.B) {
	benchQuery(b, func(ctx context.Context, db *store.DB, asOf creditflow.Date) error {
		_, err := AgingByGroup(ctx, db, asOf, GroupCustomer, 0, 0)
		return err
	})
}

// BenchmarkScoreDemo scores every customer of the default demo ledger
// (500 customers, 50,000 invoices, as `creditflow serve --demo`) on its
// last day with a new engine each time: features, training, change
// detection and assembly, as the first view of the day waits for it.
// BenchmarkFeaturesDemo times the two feature queries of one scoring
// alone: the as-of date, and the training snapshots with their outcomes.
// Set CREDITFLOW_BENCH_DEMO_DIR to keep the ledger between runs.
func BenchmarkScoreDemo(b *testing.B) {
	db, asOf := demoBenchDB(b)
	ctx := context.Background()
	defer reportCPU(b)()
	for b.Loop() {
		if _, err := NewEngine(db, EngineOptions{}).Scores(ctx, asOf); err != nil {
			b.Fatal(err)
		}
	}
}

// reportCPU reports the CPU time of the process per operation (cpu-ms/op)
// when the returned function is called: on a shared machine it varies
// less than the wall time.
func reportCPU(b *testing.B) func() {
	cpu := func() time.Duration {
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	start := cpu()
	return func() {
		b.ReportMetric(float64((cpu()-start).Milliseconds())/float64(b.N), "cpu-ms/op")
	}
}

func BenchmarkFeaturesDemo(b *testing.B) {
	db, asOf := demoBenchDB(b)
	ctx := context.Background()
	snaps := trainingSnapshots(asOf.AddDays(-3*365), asOf)
	for _, c := range []struct {
		name string
		fq   featureQuery
	}{
		{"score", featureQuery{dates: []creditflow.Date{asOf}, currency: "EUR", cut: asOf}},
		{"training", featureQuery{dates: snaps, currency: "EUR", cut: asOf, horizon: outcomeHorizon}},
	} {
		b.Run(c.name, func(b *testing.B) {
			defer reportCPU(b)()
			for b.Loop() {
				if _, err := loadFeatures(ctx, db, c.fq); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func demoBenchDB(b *testing.B) (*store.DB, creditflow.Date) {
	end := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	db, _ := ledgertest.DemoDB(b, demo.DefaultConfig(end), "CREDITFLOW_BENCH_DEMO_DIR")
	return db, creditflow.NewDate(end)
}
