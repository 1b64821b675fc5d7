package demo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Config says how big a ledger to generate and from which seed.
type Config struct {
	Customers int       // number of customers (default 500)
	Invoices  int       // approximate total number of invoices (default 50_000); the generator must hit this within ±2%
	Seed      uint64    // default 1
	End       time.Time // the last day of the ledger (a date, UTC midnight); no invoice or payment is dated after it. Required: caller passes "today".
	Years     int       // history length in years before End (default 3)

	// Statements also writes bank statements (camt.053 and MT940) for the
	// payments of the last StatementMonths months (default 12), with
	// customer_accounts.csv and statement_truth.csv; those payments are
	// then left out of payments.csv.
	Statements      bool
	StatementMonths int
}

// DefaultConfig returns the default ledger size ending at end.
func DefaultConfig(end time.Time) Config {
	return Config{
		Customers: 500,
		Invoices:  50_000,
		Seed:      1,
		End:       dateOf(end),
		Years:     3,
	}
}

// Summary reports what was written.
type Summary struct {
	Customers, Invoices, Payments int
	Files                         []string
}

// File names written by Generate, in the order they are listed in Summary.Files.
const (
	CustomersFile = "customers.csv"
	InvoicesFile  = "invoices.csv"
	PaymentsFile  = "payments.csv"
	TruthFile     = "truth.csv"

	// Written only with Config.Statements.
	CustomerAccountsFile = "customer_accounts.csv"
	StatementTruthFile   = "statement_truth.csv"
	StatementsDir        = "statements" // camt053-YYYY-MM.xml and mt940-YYYY-MM.sta
)

// maxYears bounds the history so that the calendar tables stay small.
const maxYears = 50

// normalize fills zero fields with their defaults and checks the rest. A zero
// Seed means the default seed 1.
func (cfg Config) normalize() (Config, error) {
	if cfg.End.IsZero() {
		return cfg, errors.New("demo: Config.End is required")
	}
	def := DefaultConfig(cfg.End)
	switch {
	case cfg.Customers < 0:
		return cfg, fmt.Errorf("demo: Customers = %d, want >= 0", cfg.Customers)
	case cfg.Invoices < 0:
		return cfg, fmt.Errorf("demo: Invoices = %d, want >= 0", cfg.Invoices)
	case cfg.Years < 0 || cfg.Years > maxYears:
		return cfg, fmt.Errorf("demo: Years = %d, want 1..%d", cfg.Years, maxYears)
	case cfg.Invoices > 1<<30:
		return cfg, fmt.Errorf("demo: Invoices = %d is too many", cfg.Invoices)
	case cfg.Customers > 1<<26:
		return cfg, fmt.Errorf("demo: Customers = %d is too many", cfg.Customers)
	case cfg.StatementMonths < 0 || cfg.StatementMonths > 12*maxYears:
		return cfg, fmt.Errorf("demo: StatementMonths = %d, want 1..%d", cfg.StatementMonths, 12*maxYears)
	}
	if cfg.Statements && cfg.StatementMonths == 0 {
		cfg.StatementMonths = defaultStatementMonths
	}
	if cfg.Customers == 0 {
		cfg.Customers = def.Customers
	}
	if cfg.Invoices == 0 {
		cfg.Invoices = def.Invoices
	}
	if cfg.Seed == 0 {
		cfg.Seed = def.Seed
	}
	if cfg.Years == 0 {
		cfg.Years = def.Years
	}
	cfg.End = def.End
	return cfg, nil
}

// dateOf returns the calendar date of t as UTC midnight.
func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Generate writes customers.csv, invoices.csv, payments.csv and truth.csv into dir (created if missing).
// With cfg.Statements it also writes the bank statements of the last
// months under statements/, customer_accounts.csv and statement_truth.csv,
// and leaves the payments of those months out of payments.csv.
//
// Zero fields of cfg take their defaults (see DefaultConfig); End is
// required and only its date counts. The same Config always gives
// byte-identical files. Each file is written
// under a temporary name and renamed when complete, so a cancelled run leaves
// no half-written CSV behind under the final names.
func Generate(ctx context.Context, dir string, cfg Config) (Summary, error) {
	cfg, err := cfg.normalize()
	if err != nil {
		return Summary{}, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Summary{}, fmt.Errorf("demo: %w", err)
	}
	l, err := build(ctx, cfg)
	if err != nil {
		return Summary{}, err
	}
	var st *statements
	writePayments := l.writePayments
	if cfg.Statements {
		if st, err = planStatements(ctx, l, cfg); err != nil {
			return Summary{}, err
		}
		writePayments = func(ctx context.Context, w *csvWriter) error {
			return l.writePaymentsBefore(ctx, w, st.firstPayment)
		}
	}
	files := []struct {
		name  string
		write func(ctx context.Context, w *csvWriter) error
	}{
		{CustomersFile, l.writeCustomers},
		{InvoicesFile, l.writeInvoices},
		{PaymentsFile, writePayments},
		{TruthFile, l.writeTruth},
	}
	sum := Summary{
		Customers: len(l.customers),
		Invoices:  len(l.invoices),
		Payments:  len(l.payments),
	}
	for _, f := range files {
		path := filepath.Join(dir, f.name)
		if err := writeFile(ctx, path, f.write); err != nil {
			return Summary{}, fmt.Errorf("demo: write %s: %w", path, err)
		}
		sum.Files = append(sum.Files, path)
	}
	if st != nil {
		paths, err := st.write(ctx, dir)
		if err != nil {
			return Summary{}, err
		}
		sum.Files = append(sum.Files, paths...)
	}
	return sum, nil
}
