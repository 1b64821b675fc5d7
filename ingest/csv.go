package ingest

import (
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// csvFile is a CSV file opened for reading, unzipped when it ends in .gz.
type csvFile struct {
	io.Reader
	f  *os.File
	gz *gzip.Reader
}

func openCSV(path string) (*csvFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	c := &csvFile{Reader: bufio.NewReaderSize(f, 1<<20), f: f}
	if strings.HasSuffix(strings.ToLower(path), ".gz") {
		if c.gz, err = gzip.NewReader(c.Reader); err != nil {
			f.Close()
			return nil, err
		}
		c.Reader = c.gz
	}
	return c, nil
}

func (c *csvFile) Close() error {
	if c.gz != nil {
		c.gz.Close()
	}
	return c.f.Close()
}

// csvHeader reads the column names of a CSV file (plain or gzip).
func csvHeader(path string) ([]string, error) {
	r, err := openCSV(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("the file is empty; expected a header line with column names")
	}
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if h == "" {
			return nil, fmt.Errorf("column %d has no name", i+1)
		}
		if seen[strings.ToLower(h)] {
			return nil, fmt.Errorf("column %q appears twice", h)
		}
		seen[strings.ToLower(h)] = true
		header[i] = h
	}
	return header, nil
}
