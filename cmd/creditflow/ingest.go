package main

import (
	"context"
	"fmt"
	"os"

	"github.com/creditflow/creditflow/ingest"
	"golang.org/x/term"
)

// progressThreshold is the input size from which a terminal gets a progress bar.
const progressThreshold = 4 << 20

func runIngest(ctx context.Context, e env, args []string) error {
	fs, dbPath := newFlags(e, "ingest")
	strict := fs.Bool("strict", false, "reject invoices and payments of unknown customers instead of creating bare customers")
	kind := fs.String("kind", "", "table of every file: customers, invoices or payments (default: from the file name)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("ingest: name one or more files (customers*, invoices*, payments* as .csv, .parquet or .ndjson)")
	}
	opt := ingest.Options{Strict: *strict, Now: e.now}
	if *kind != "" {
		k, err := ingest.ParseKind(*kind)
		if err != nil {
			return err
		}
		opt.Kind = k
	}
	if f, ok := e.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) && totalSize(fs.Args()) >= progressThreshold {
		opt.Progress = newBarProgress(f)
	}
	db, err := openDB(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := ingest.Files(ctx, db, fs.Args(), opt)
	for _, f := range res.Files {
		if f.Skipped {
			fmt.Fprintf(e.stderr, "%s: %s\n", f.File, f.Message)
		}
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, res.Summary())
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
