package ingest

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/ingest/dialect"
)

// Mapping is a mapping file read by ReadMapping: how a user's exports map
// onto the input contract.
type Mapping = dialect.Mapping

// Detection is what the pre-pass of a file that is not canonical found.
type Detection = dialect.Detection

// ReadMapping reads a mapping file (JSON) and checks it against the contract.
func ReadMapping(path string) (Mapping, error) {
	m, err := dialect.ReadMapping(path, dialectTables())
	if err != nil {
		return nil, fmt.Errorf("%w: %v", creditflow.ErrInvalid, err)
	}
	return m, nil
}

// ParseMapping reads the JSON of a mapping file, as uploaded.
func ParseMapping(b []byte) (Mapping, error) {
	m, err := dialect.ParseMapping(b, dialectTables())
	if err != nil {
		return nil, fmt.Errorf("%w: %v", creditflow.ErrInvalid, err)
	}
	return m, nil
}

// dialectTables describes the contract's tables to the pre-pass.
func dialectTables() []dialect.Table {
	var ts []dialect.Table
	for _, k := range []Kind{Customers, Invoices, Payments, CustomerAccounts} {
		t := dialect.Table{Kind: string(k)}
		for _, c := range specs[k].columns {
			typ := dialect.Text
			switch c.typ {
			case dateCol:
				typ = dialect.Date
			case amountCol:
				typ = dialect.Amount
			case boolCol:
				typ = dialect.Bool
			}
			t.Columns = append(t.Columns, dialect.Column{Name: c.name, Type: typ, Required: c.required})
		}
		ts = append(ts, t)
	}
	// An open-items list: the invoice's columns plus its open amount and
	// the list's date (snapshots.go).
	t := dialect.Table{Kind: string(OpenItems)}
	for i, name := range snapshotColumns {
		typ := dialect.Text
		switch name {
		case "invoice_date", "due_date", "as_of":
			typ = dialect.Date
		case "amount", "open_amount":
			typ = dialect.Amount
		}
		t.Columns = append(t.Columns, dialect.Column{Name: name, Type: typ, Required: i < snapshotRequired})
	}
	return append(ts, t)
}

// canonicalCSV reports whether a CSV file can be loaded as it is: UTF-8
// (a byte-order mark is read as before), its kind known, no mapping for
// that kind, and a comma-separated header that names the kind's required
// columns. Such a file takes the fast path; any other goes through the
// pre-pass.
func canonicalCSV(head []byte, kind Kind, valid bool, m Mapping) bool {
	if !valid || kind == "" {
		return false
	}
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	if _, ok := m[string(kind)]; ok {
		return false
	}
	line, _, _ := bytes.Cut(head, []byte("\n"))
	header, err := csv.NewReader(bytes.NewReader(line)).Read()
	if err != nil {
		return false
	}
	present := map[string]string{}
	for _, h := range header {
		present[strings.ToLower(strings.TrimSpace(h))] = h
	}
	if kind == OpenItems {
		for _, c := range snapshotColumns[:snapshotRequired] {
			if _, ok := present[c]; !ok {
				return false
			}
		}
		return true
	}
	return len(missingColumns(kind, specs[kind], present)) == 0
}

// normalise runs the pre-pass on f, writing the canonical CSV into dir;
// f then reads that CSV under its own name.
func normalise(f *inputFile, dir string, m Mapping) error {
	out, err := os.CreateTemp(dir, "*.csv")
	if err != nil {
		return err
	}
	out.Close()
	kind, det, err := dialect.Normalise(dialect.Input{Path: f.path, XLSX: f.format == XLSX, Kind: string(f.kind), Tables: dialectTables(), Mapping: m, Out: out.Name()})
	var de *dialect.Error
	if errors.As(err, &de) {
		fe := &FileError{File: f.name, Format: f.format, Cause: de.Cause, Total: len(de.Problems)}
		for _, p := range de.Problems[:min(len(de.Problems), maxProblems)] {
			fe.Problems = append(fe.Problems, Problem{Line: p.Line, Column: p.Column, Value: p.Value, Expected: p.Expected, Hint: p.Hint})
		}
		return fe
	}
	if err != nil {
		return fmt.Errorf("ingest %s: %w", f.name, err)
	}
	f.kind, f.path, f.detected = Kind(kind), out.Name(), &det
	if det.Format == "xlsx" {
		f.shown = XLSX
	}
	f.format = CSV
	return nil
}

// hashUTF8 hashes r into h and reports whether its bytes are valid UTF-8.
func hashUTF8(h io.Writer, r io.Reader) (size int64, valid bool, err error) {
	buf := make([]byte, 1<<20)
	carry, valid := 0, true
	for {
		n, err := r.Read(buf[carry:])
		if n > 0 {
			h.Write(buf[carry : carry+n])
			size += int64(n)
			chunk := buf[:carry+n]
			cut := len(chunk)
			for k := len(chunk) - 1; k >= 0 && k >= len(chunk)-3; k-- {
				if chunk[k]&0xC0 != 0x80 {
					if !utf8.FullRune(chunk[k:]) {
						cut = k
					}
					break
				}
			}
			valid = valid && utf8.Valid(chunk[:cut])
			carry = copy(buf, chunk[cut:])
		}
		if err == io.EOF {
			return size, valid && carry == 0, nil
		}
		if err != nil {
			return size, false, err
		}
	}
}

// tempDir makes the directory of a run's pre-passed files.
func tempDir() (string, error) { return os.MkdirTemp("", "creditflow-ingest-") }

// readError is the error of a file the database could not read. A CSV file
// is read again by the pre-pass, which names the line and what is wrong
// with it; the database's own message, written for programmers, is shown
// only for Parquet and NDJSON files.
func readError(f inputFile, err error) *FileError {
	fe := &FileError{File: f.name, Format: f.shownFormat()}
	if f.format != CSV || f.query != "" {
		fe.Cause = "cannot be read as " + string(f.format) + ": " + cleanDuckDBError(err)
		return fe
	}
	fe.Cause = "cannot be read as a CSV file: expected text with a header line and as many fields on every line as in the header"
	if strings.HasSuffix(strings.ToLower(f.name), ".gz") {
		return fe
	}
	dir, derr := tempDir()
	if derr != nil {
		return fe
	}
	defer os.RemoveAll(dir)
	var explained *FileError
	if errors.As(normalise(&f, dir, nil), &explained) {
		return explained
	}
	return fe
}
