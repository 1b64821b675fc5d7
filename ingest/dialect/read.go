package dialect

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// sheetRows are the rows of a file as text, each with the line (or the
// worksheet row) it starts on; the first is the header.
type sheetRows struct {
	header     []string
	headerLine int
	rows       [][]string
	lines      []int
	problems   []Problem
}

// The encodings a CSV file is read in.
const (
	utf8Plain   = "UTF-8"
	utf8BOM     = "UTF-8 with BOM"
	windows1252 = "Windows-1252"
	utf16BOM    = "UTF-16"
)

// IsXLSX reports whether a file name is that of an Excel workbook.
func IsXLSX(name string) bool {
	n := strings.ToLower(filepath.Ext(name))
	return n == ".xlsx" || n == ".xlsm"
}

// decode returns the text of a CSV file as UTF-8 and the encoding it was
// in: UTF-8, with or without a byte-order mark, UTF-16 with one (as Excel
// saves "Unicode text"), else Windows-1252 (of which Latin-1 is a subset).
func decode(b []byte) ([]byte, string, error) {
	if rest, ok := bytes.CutPrefix(b, []byte("\xef\xbb\xbf")); ok {
		return rest, utf8BOM, nil
	}
	if bytes.HasPrefix(b, []byte("\xff\xfe")) || bytes.HasPrefix(b, []byte("\xfe\xff")) {
		out, err := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(b)
		return out, utf16BOM, err
	}
	if utf8.Valid(b) {
		return b, utf8Plain, nil
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(b)
	return out, windows1252, err
}

// sniffDelimiter picks, of comma, semicolon, tab and bar, the one that
// splits the first lines into the most lines with as many fields as the
// header, and the most fields on a tie.
func sniffDelimiter(text []byte) rune {
	head := text[:min(len(text), 64<<10)]
	best, bestScore, bestFields := ',', -1, 0
	for _, d := range []rune{',', ';', '\t', '|'} {
		r := csv.NewReader(bytes.NewReader(head))
		r.Comma, r.FieldsPerRecord, r.LazyQuotes = d, -1, true
		header, err := r.Read()
		if err != nil || len(header) < 2 {
			continue
		}
		score := 0
		for i := 0; i < 50; i++ {
			rec, err := r.Read()
			if err != nil {
				break
			}
			if len(rec) == len(header) {
				score++
			}
		}
		if score > bestScore || score == bestScore && len(header) > bestFields {
			best, bestScore, bestFields = d, score, len(header)
		}
	}
	return best
}

// readCSV reads a CSV file of any delimiter and encoding. A line with
// more or fewer fields than the header is a problem, with its line.
func readCSV(path string) (*sheetRows, string, rune, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, "", 0, err
	}
	text, enc, err := decode(raw)
	if err != nil {
		return nil, "", 0, err
	}
	delim := sniffDelimiter(text)
	r := csv.NewReader(bytes.NewReader(text))
	r.Comma, r.FieldsPerRecord = delim, -1
	s := &sheetRows{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			s.problems = append(s.problems, Problem{Line: pe.StartLine, Expected: "a well-formed line", Value: pe.Err.Error(),
				Hint: "a quote (\") inside a cell must be doubled, and a cell with a quote must be quoted as a whole"})
			break
		}
		if err != nil {
			return nil, "", 0, err
		}
		line, _ := r.FieldPos(0)
		if s.header == nil {
			s.header, s.headerLine = append([]string(nil), rec...), line
			continue
		}
		s.rows = append(s.rows, rec)
		s.lines = append(s.lines, line)
	}
	if s.header == nil {
		return nil, "", 0, errors.New("the file is empty; expected a header line with column names")
	}
	return s, enc, delim, nil
}

// readXLSX reads a worksheet, the first when sheet is empty. Cells are
// read raw: a date cell is its serial number, an amount its number.
func readXLSX(path, sheet string) (*sheetRows, string, error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return nil, "", fmt.Errorf("cannot be read as an Excel workbook: %v", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if sheet == "" {
		if len(sheets) == 0 {
			return nil, "", errors.New("the workbook has no worksheets")
		}
		sheet = sheets[0]
	} else if !contains(sheets, sheet) {
		return nil, "", fmt.Errorf("the workbook has no worksheet %q; it has %s", sheet, strings.Join(sheets, ", "))
	}
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, "", fmt.Errorf("worksheet %q: %v", sheet, err)
	}
	s := &sheetRows{}
	for i, row := range rows {
		if s.header == nil {
			if blank(row) {
				continue
			}
			s.header, s.headerLine = row, i+1
			continue
		}
		s.rows = append(s.rows, row)
		s.lines = append(s.lines, i+1)
	}
	if s.header == nil {
		return nil, "", fmt.Errorf("worksheet %q is empty; expected a header row with column names", sheet)
	}
	return s, sheet, nil
}

func blank(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
