package ingest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/store"
)

// Options change how files are ingested.
type Options struct {
	// Strict rejects invoices and payments of unknown customers instead of
	// creating bare customers for them.
	Strict bool
	// Kind forces the table of every file; empty means from the file name,
	// else from the header of a CSV or XLSX file (see ingest/dialect).
	Kind Kind
	// Mapping maps the columns, constants, date and number styles and
	// sheet of files that are not canonical; see ReadMapping.
	Mapping Mapping
	// Names are the names to report and detect kinds by, one per path, when
	// they differ from the paths (uploads saved under temporary names).
	Names []string
	// Progress receives progress bars; nil shows none.
	Progress Progress
	// Log receives the timing of each phase at debug level; nil logs nothing.
	Log *slog.Logger
	// Statements books the run's bank statements into its transaction; a
	// run with statements and no booker fails. See StatementBooker.
	Statements StatementBooker
	// MatchThreshold is for the statement booker: the confidence from which
	// a bank credit is booked without a person; zero means its default.
	MatchThreshold float64
	// Actor is written to the audit log.
	Actor string
	// Now gives the time of day for the run's records.
	Now func() time.Time
	// AfterLoad, when set, runs after the files are loaded and before the
	// commit. Tests use it to kill a run half-way.
	AfterLoad func()
	// DryRun reads, checks and loads the files as a run would, reports
	// what it would do, and then rolls everything back: nothing is kept.
	DryRun bool
}

// WithDefaults returns opt with the defaults of a run set where opt leaves
// them unset: the clock, the actor "cli" and a logger that logs nothing.
func (opt Options) WithDefaults() Options {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Actor == "" {
		opt.Actor = "cli"
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	return opt
}

// Progress reports the work done, in bytes of input.
type Progress interface {
	Start(total int64)
	Advance(n int64, phase string)
	Done()
}

// FileResult says what happened to one file.
type FileResult struct {
	File     string `json:"file"`
	Kind     Kind   `json:"kind"`
	Format   Format `json:"format"`
	SHA256   string `json:"sha256"`
	Rows     int64  `json:"rows"`
	Inserted int64  `json:"inserted"`
	Updated  int64  `json:"updated"`
	Skipped  bool   `json:"skipped"`
	Message  string `json:"message,omitempty"`
	// Dialect is what the pre-pass detected in a file that was not
	// canonical; nil for a canonical file.
	Dialect *Detection `json:"dialect,omitempty"`
}

// Result is the outcome of one ingest run.
type Result struct {
	RunID       int64          `json:"run_id"`
	Files       []FileResult   `json:"files"`
	Rows        map[Kind]int64 `json:"rows"`
	Allocations int64          `json:"allocations"`
	// Statements says what became of the bank statements' transactions.
	Statements *StatementResult `json:"statements,omitempty"`
	Seconds    float64          `json:"seconds"`
	// DryRun is true when nothing was kept (Options.DryRun).
	DryRun bool `json:"dry_run"`
}

// Summary is the one line printed at the end of a run.
func (r Result) Summary() string {
	skipped := 0
	for _, f := range r.Files {
		if f.Skipped {
			skipped++
		}
	}
	line := fmt.Sprintf("ingested %d file(s) in %.1f s: customers %d, invoices %d, payments %d, allocations %d; %d identical file(s) skipped",
		len(r.Files)-skipped, r.Seconds, r.Rows[Customers], r.Rows[Invoices]+r.Rows[EInvoices]+r.Rows[OpenItems], r.Rows[Payments], r.Allocations, skipped)
	if s := r.Statements; s != nil {
		line += fmt.Sprintf("\nbank statements: %d transaction(s), %d seen before; %d credit(s): %d matched automatically (%.1f%%), %d unmatched waiting for you; %d returned direct debit(s); %d outgoing ignored",
			s.Transactions, s.Duplicates, s.Credits, s.Matched, s.MatchedShare()*100, s.Unmatched, s.Returned, s.Debits)
	}
	return line
}

type inputFile struct {
	path, name string
	kind       Kind
	format     Format
	size       int64
	sha        string
	// query and columns replace the file for rows the ingest made itself
	// (e-invoices, payments booked from bank statements).
	query   string
	columns []string
	// staged is the file's narrow stage when it was read before the
	// transaction; nil means it is read inside it.
	staged *narrowStage
	// detected is set when path is the pre-pass's canonical CSV of the
	// file; shown is then the file's own format, when not CSV.
	detected *Detection
	shown    Format
}

// shownFormat is the format the user knows the file by.
func (f inputFile) shownFormat() Format {
	if f.shown != "" {
		return f.shown
	}
	return f.format
}

// Files ingests the files in one transaction: either all of them land or
// none does, and the database is left as it was.
func Files(ctx context.Context, db *store.DB, paths []string, opt Options) (Result, error) {
	opt = opt.WithDefaults()
	start := opt.Now()
	res := Result{Rows: map[Kind]int64{}, DryRun: opt.DryRun}
	if len(paths) == 0 {
		return res, fmt.Errorf("%w: no files to ingest", creditflow.ErrInvalid)
	}
	dir, err := tempDir()
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(dir)
	// Files are told and hashed in parallel: hashing 100 MB takes 50 ms.
	files := make([]inputFile, len(paths))
	errs := make([]error, len(paths))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, p := range paths {
		name := p
		if i < len(opt.Names) {
			name = opt.Names[i]
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			files[i], errs[i] = describe(p, name, opt.Kind, opt.Mapping, dir)
		})
	}
	wg.Wait()
	// Every file's problems are reported, not only the first file's: the
	// files the pre-pass refused are left out, and the others validated.
	var refused []error
	good := files[:0]
	for i, err := range errs {
		var fe *FileError
		switch {
		case errors.As(err, &fe):
			refused = append(refused, err)
		case err != nil:
			return res, err
		default:
			good = append(good, files[i])
		}
	}
	files = good
	sort.SliceStable(files, func(i, j int) bool { return kindOrder(files[i].kind) < kindOrder(files[j].kind) })
	for _, f := range files {
		if f.kind == BankStatements && opt.Statements == nil {
			return res, fmt.Errorf("ingest %s: a bank statement, and this ingest books none (Options.Statements is not set)", f.name)
		}
	}

	err = db.Write(ctx, func(conn *sql.Conn) error {
		var load []inputFile
		for _, f := range files {
			var seen int
			if err := conn.QueryRowContext(ctx, store.Query("ingest_file_seen"), f.sha).Scan(&seen); err != nil {
				return err
			}
			if seen > 0 {
				res.Files = append(res.Files, FileResult{File: f.name, Kind: f.kind, Format: f.shownFormat(), SHA256: f.sha, Skipped: true, Dialect: f.detected,
					Message: "identical to a file ingested before (same sha256); skipped"})
				continue
			}
			load = append(load, f)
		}
		if len(load) == 0 {
			return nil
		}
		return run(ctx, conn, load, opt, len(refused) > 0, &res)
	})
	res.Seconds = opt.Now().Sub(start).Seconds()
	if len(refused) > 0 {
		if !errors.Is(err, errRefused) {
			refused = append(refused, err)
		}
		res.Files, res.Rows, res.RunID = nil, map[Kind]int64{}, 0
		return res, errors.Join(refused...)
	}
	return res, err
}

// describe tells a file's kind and format and hashes it. A tabular file
// that is not canonical goes through the pre-pass, which writes its
// canonical CSV into dir.
func describe(path, name string, forced Kind, m Mapping, dir string) (inputFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return inputFile{}, fmt.Errorf("ingest: %w", err)
	}
	defer f.Close()
	head := make([]byte, sniffBytes)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return inputFile{}, fmt.Errorf("ingest %s: %w", name, err)
	}
	kind, format, err := detect(name, head[:n], forced)
	if err != nil {
		return inputFile{}, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return inputFile{}, fmt.Errorf("ingest %s: %w", name, err)
	}
	h := sha256.New()
	plain := format == CSV && !strings.HasSuffix(strings.ToLower(name), ".gz")
	var size int64
	valid := true
	if plain {
		size, valid, err = hashUTF8(h, f)
	} else {
		size, err = io.Copy(h, f)
	}
	if err != nil {
		return inputFile{}, fmt.Errorf("ingest %s: %w", name, err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return inputFile{}, err
	}
	in := inputFile{path: abs, name: name, kind: kind, format: format, size: size, sha: hex.EncodeToString(h.Sum(nil))}
	if format == XLSX || plain && !canonicalCSV(head[:n], kind, valid, m) {
		if err := normalise(&in, dir, m); err != nil {
			return inputFile{}, err
		}
		if forced != "" {
			in.detected.KindFrom = "kind option"
		}
	}
	if in.kind == "" { // a gzipped CSV, which the pre-pass does not read
		return inputFile{}, fmt.Errorf("%w: %s: cannot tell the table from the file name: name it customers*, invoices*, payments* or customer_accounts*, or pass --kind", creditflow.ErrInvalid, name)
	}
	return in, nil
}
