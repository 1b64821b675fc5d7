package ingest

import (
	"bufio"
	"context"
	dbsql "database/sql"
	"os"
	"path/filepath"
	"strings"
)

// Many rows go into DuckDB faster through one CSV file read by read_csv
// than through the appender, which costs a cgo call per value. A bulkFile
// is such a file: rows are appended as bytes, an empty field is a NULL.

type bulkFile struct {
	path string
	f    *os.File
	w    *bufio.Writer
}

func createBulk(dir, name string) (*bulkFile, error) {
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	return &bulkFile{path: path, f: f, w: bufio.NewWriterSize(f, 1<<20)}, nil
}

// write writes one row, ended by a newline.
func (b *bulkFile) write(row []byte) error {
	_, err := b.w.Write(row)
	return err
}

func (b *bulkFile) close() error {
	err := b.w.Flush()
	if cerr := b.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// load inserts the file's rows into table, whose columns and types, in
// order, are given.
func (b *bulkFile) load(ctx context.Context, conn *dbsql.Conn, table string, columns [][2]string) error {
	cols := make([]string, len(columns))
	for i, c := range columns {
		cols[i] = quoteString(c[0]) + ": " + quoteString(c[1])
	}
	_, err := conn.ExecContext(ctx, `INSERT INTO `+table+` SELECT * FROM read_csv(`+quoteString(b.path)+`,
		header = false, auto_detect = false, delim = ',', quote = '"', escape = '"', columns = {`+strings.Join(cols, ", ")+`})`)
	return err
}

// appendField appends a comma and s as a CSV field, quoted when it holds a
// quote, comma, line break or surrounding space.
func appendField(b []byte, s string) []byte {
	b = append(b, ',')
	return appendFirstField(b, s)
}

// appendFirstField appends s as the first CSV field of a row.
func appendFirstField(b []byte, s string) []byte {
	if s == "" {
		return b
	}
	if !strings.ContainsAny(s, "\",\n\r") && s[0] != ' ' && s[len(s)-1] != ' ' {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}
