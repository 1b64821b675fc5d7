package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime/pprof"
	"sort"
	"strings"

	"github.com/creditflow/creditflow/bank"
	"github.com/creditflow/creditflow/ingest"
	"golang.org/x/term"
)

// progressThreshold is the input size from which a terminal gets a progress bar.
const progressThreshold = 4 << 20

func runIngest(ctx context.Context, c *command, args []string) error {
	strict := c.Bool("strict", false, "reject invoices and payments of unknown customers instead of creating bare customers")
	kind := c.String("kind", "", "table of every file: customers, invoices, payments, customer_accounts, open_items or exchange_rates (default: from the file name; bank statements, e-invoices and exchange-rate files are recognised by content)")
	dryRun := c.Bool("dry-run", false, "read and check the files and say what would be loaded; keep nothing")
	mapping := c.String("mapping", "", "JSON `file` mapping the columns, constants, date and number style and sheet of exports that are not in the canonical format, per kind (see docs/input-format.md)")
	trace := c.Bool("trace", false, "log how long each phase of the ingest takes, on stderr")
	cpuProfile := c.String("cpuprofile", "", "write a CPU profile of the ingest to `file` (for developers: go tool pprof)")
	threshold := c.Float64("match-threshold", bank.DefaultMatchThreshold, "confidence (0-1) from which a bank credit is booked without a person; below it, it waits in the unmatched queue")
	if err := c.Parse(args); err != nil {
		return err
	}
	if c.NArg() == 0 {
		return fmt.Errorf("ingest: name one or more files (customers*, invoices*, payments*, customer_accounts* as .csv, .xlsx, .parquet or .ndjson; camt.053/054 or MT940 bank statements; UBL e-invoices)")
	}
	if *threshold <= 0 || *threshold > 1 {
		return fmt.Errorf("ingest: --match-threshold %v: expected a confidence above 0 and at most 1", *threshold)
	}
	opt := ingest.Options{Strict: *strict, Now: c.e.now, Statements: bank.BookStatements, MatchThreshold: *threshold, DryRun: *dryRun}
	if *trace {
		opt.Log = slog.New(slog.NewTextHandler(c.e.stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if *kind != "" {
		k, err := ingest.ParseKind(*kind)
		if err != nil {
			return err
		}
		opt.Kind = k
	}
	if *cpuProfile != "" && c.e.host != nil {
		return fmt.Errorf("ingest: --cpuprofile profiles the process that ingests, here the running server that holds the database: stop the server to profile an ingest")
	}
	if *mapping != "" {
		m, err := ingest.ReadMapping(c.path(*mapping))
		if err != nil {
			return fmt.Errorf("ingest: --mapping: %w", err)
		}
		opt.Mapping = m
	}
	// The files are named as given, and read where the user meant them.
	paths := make([]string, c.NArg())
	for i, p := range c.Args() {
		paths[i] = c.path(p)
	}
	opt.Names = c.Args()
	if f, ok := c.e.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) && totalSize(paths) >= progressThreshold {
		opt.Progress = newBarProgress(f)
	}
	db, _, release, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer release()
	if *cpuProfile != "" {
		f, err := os.Create(c.path(*cpuProfile))
		if err != nil {
			return fmt.Errorf("ingest: --cpuprofile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("ingest: --cpuprofile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	// Through the application, which drops what the new ledger makes stale:
	// inside a running server, the figures its pages show.
	res, err := c.app(db).Ingest(ctx, paths, opt)
	for _, f := range res.Files {
		if f.Skipped {
			fmt.Fprintf(c.e.stderr, "%s: %s\n", f.File, f.Message)
		}
		if f.Dialect != nil {
			fmt.Fprintf(c.e.stdout, "%s: read as %s: %s\n", f.File, f.Kind, describeDialect(*f.Dialect))
		}
	}
	if err != nil {
		return err
	}
	if res.DryRun {
		fmt.Fprint(c.e.stdout, "dry run, nothing kept: ")
	}
	fmt.Fprintln(c.e.stdout, res.Summary())
	return nil
}

func totalSize(paths []string) int64 {
	var n int64
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil {
			n += st.Size()
		}
	}
	return n
}

// describeDialect is one line of what the pre-pass found in a file that was
// not canonical, so that the user can check it or pin it in a mapping file.
func describeDialect(d ingest.Detection) string {
	var parts []string
	add := func(label, v string) {
		if v != "" {
			parts = append(parts, label+" "+v)
		}
	}
	add("format", d.Format)
	add("sheet", d.Sheet)
	add("delimiter", d.Delimiter)
	add("encoding", d.Encoding)
	add("numbers", d.DecimalStyle)
	add("dates", d.DateStyle)
	add("kind from", d.KindFrom)
	var cols []string
	for _, c := range d.Columns {
		if c.Source != c.Column {
			cols = append(cols, fmt.Sprintf("%q → %s", c.Source, c.Column))
		}
	}
	for col, v := range d.Constants {
		cols = append(cols, fmt.Sprintf("%s = %q", col, v))
	}
	sort.Strings(cols[len(cols)-len(d.Constants):])
	if len(cols) > 0 {
		parts = append(parts, "columns "+strings.Join(cols, ", "))
	}
	return strings.Join(parts, "; ")
}
