package ingest

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"os"
	"strconv"
)

// lineExpr turns a stage rowid into the line (or row) the user sees. Rows
// keep file order; their rowids start at an offset inside a transaction.
// With mapped, the CSV lines come from the table stage_lines (numberLines).
func lineExpr(f Format, mapped bool) string {
	first := "(SELECT min(rowid) FROM stage)"
	switch {
	case f == CSV && mapped:
		return "(SELECT l.line FROM stage_lines l WHERE l.record = s.rowid - " + first + ")"
	case f == CSV:
		return "(s.rowid - " + first + " + 2)" // the header is line 1
	}
	return "(s.rowid - " + first + " + 1)"
}

// countLines counts the lines of a CSV file, the last one with or without
// its line break.
func countLines(path string) (int64, error) {
	in, err := openCSV(path)
	if err != nil {
		return 0, err
	}
	defer in.Close()
	buf := make([]byte, 1<<20)
	var lines int64
	last := byte('\n')
	for {
		n, err := in.Read(buf)
		if n > 0 {
			lines += int64(bytes.Count(buf[:n], []byte{'\n'}))
			last = buf[n-1]
		}
		if err == io.EOF {
			break
		} else if err != nil {
			return 0, err
		}
	}
	if last != '\n' {
		lines++
	}
	return lines, nil
}

// numberLines makes the table stage_lines, the line on which each record of
// a CSV file starts, when that is not simply the record's number plus one:
// a quoted cell may hold line breaks, and DuckDB skips empty lines. It reads
// the file a second time, which only a rejected file pays for, and reports
// whether it made the table.
func (l *loader) numberLines(ctx context.Context, f inputFile, records int64) (bool, error) {
	lines, err := countLines(f.path)
	if err != nil {
		return false, err
	}
	if lines == records+1 {
		return false, nil
	}
	in, err := openCSV(f.path)
	if err != nil {
		return false, err
	}
	defer in.Close()
	r := csv.NewReader(in)
	r.FieldsPerRecord, r.LazyQuotes, r.ReuseRecord = -1, true, true
	if _, err := r.Read(); err != nil { // the header
		return false, nil
	}
	dir, err := os.MkdirTemp("", "creditflow-lines-")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(dir)
	out, err := CreateBulk(dir, "lines.csv")
	if err != nil {
		return false, err
	}
	var n int64
	var row []byte
	for ; ; n++ {
		if _, err := r.Read(); err == io.EOF {
			break
		} else if err != nil {
			out.Close()
			return false, nil // Go reads it otherwise than DuckDB: keep record numbers
		}
		line, _ := r.FieldPos(0)
		row = append(strconv.AppendInt(row[:0], n, 10), ',')
		row = append(strconv.AppendInt(row, int64(line), 10), '\n')
		out.Write(row)
	}
	if err := out.Close(); err != nil || n != records {
		return false, err
	}
	if _, err := l.conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE stage_lines (record BIGINT, line BIGINT)`); err != nil {
		return false, err
	}
	if err := out.Load(ctx, l.conn, "stage_lines", [][2]string{{"record", "BIGINT"}, {"line", "BIGINT"}}); err != nil {
		return false, err
	}
	return true, nil
}

func lineWord(f Format) string {
	if f == Parquet {
		return "row"
	}
	return "line"
}
