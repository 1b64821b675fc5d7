package ingest

import (
	"bufio"
	"context"
	dbsql "database/sql"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/creditflow/creditflow"
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
	if !needsQuotes(s) {
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

// csvSpecial marks the bytes that make a CSV field need quotes.
var csvSpecial = [256]bool{'"': true, ',': true, '\n': true, '\r': true}

// needsQuotes reports whether s must be quoted as a CSV field. It is on the
// path of every field of millions of rows, hence the table.
func needsQuotes(s string) bool {
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return true
	}
	for i := 0; i < len(s); i++ {
		if csvSpecial[s[i]] {
			return true
		}
	}
	return false
}

// appendDay appends a day number (days since 1970-01-01) as YYYY-MM-DD,
// with the civil-from-days algorithm: time.Format costs five times more.
func appendDay(b []byte, day int32) []byte {
	z := int64(day) + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	if y < 0 || y > 9999 {
		return time.Unix(int64(day)*86400, 0).UTC().AppendFormat(b, creditflow.DateLayout)
	}
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-', byte('0'+d/10), byte('0'+d%10))
}
