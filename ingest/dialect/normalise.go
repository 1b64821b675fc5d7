package dialect

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
)

// Input is a file to normalise.
type Input struct {
	Path string // where the file is
	XLSX bool   // whether it is an Excel workbook, else a CSV file
	Kind string // its kind; empty means inferred from its header
	// Tables are the contract's tables; Mapping the user's mapping file.
	Tables  []Table
	Mapping Mapping
	Out     string // where the canonical CSV is written
}

// Detection is what the pre-pass found in a file.
type Detection struct {
	Format       string            `json:"format"` // csv or xlsx
	Delimiter    string            `json:"delimiter,omitempty"`
	Encoding     string            `json:"encoding,omitempty"`
	DecimalStyle string            `json:"decimal_style,omitempty"`
	DateStyle    string            `json:"date_style,omitempty"`
	Sheet        string            `json:"sheet,omitempty"`
	Columns      []ColumnMapping   `json:"columns"`
	Constants    map[string]string `json:"constants,omitempty"`
	// KindFrom says how the kind was told: "name" (the caller's: the file
	// name or an option), "name, mapping" or "header".
	KindFrom string `json:"kind_from,omitempty"`
}

// ColumnMapping is one source column read as a contract column.
type ColumnMapping struct {
	Source string `json:"source"`
	Column string `json:"column"`
}

// Problem is one thing wrong in a file, in the words of a finance person.
type Problem struct {
	Line     int
	Column   string
	Value    string
	Expected string
	Hint     string
}

// Error rejects a file: its problems (all of them; the caller shows the
// first), or a Cause when it cannot be read at all.
type Error struct {
	Cause    string
	Problems []Problem
}

func (e *Error) Error() string {
	if e.Cause != "" {
		return e.Cause
	}
	return fmt.Sprintf("%d problem(s)", len(e.Problems))
}

// delimiterNames are the delimiters as the detection shows them.
var delimiterNames = map[rune]string{',': "comma", ';': "semicolon", '\t': "tab", '|': "bar"}

// Normalise reads a CSV file or XLSX workbook of any dialect and writes it
// as a canonical CSV to in.Out, one line per input line (blank lines where
// the input's rows span more lines or are empty). It returns the file's
// kind and what it detected; a file it cannot map or convert is an *Error.
func Normalise(in Input) (string, Detection, error) {
	var (
		s   *sheetRows
		det Detection
		err error
	)
	km := in.Mapping[in.Kind]
	if in.XLSX {
		det.Format = "xlsx"
		if in.Kind == "" {
			// Without a kind, the sheet comes from the one mapping naming one.
			for _, m := range in.Mapping {
				if m.Sheet != "" {
					km.Sheet = m.Sheet
				}
			}
		}
		s, det.Sheet, err = readXLSX(in.Path, km.Sheet)
	} else {
		var delim rune
		det.Format = "csv"
		s, det.Encoding, delim, err = readCSV(in.Path)
		det.Delimiter = delimiterNames[delim]
	}
	if err != nil {
		return "", det, &Error{Cause: err.Error()}
	}
	kind := in.Kind
	det.KindFrom = "name"
	if kind == "" {
		if kind = InferKind(s.header, in.Tables, in.Mapping); kind == "" {
			return "", det, &Error{Cause: "cannot tell which table the file feeds from its columns (" + strings.Join(s.header, ", ") +
				"): name it customers*, invoices*, payments* or customer_accounts*, pass --kind, or map its columns in a mapping file (--mapping)"}
		}
		det.KindFrom = "header"
		km = in.Mapping[kind]
	}
	if _, ok := in.Mapping[kind]; ok && det.KindFrom == "name" {
		det.KindFrom = "name, mapping"
	}
	t, ok := tableOf(in.Tables, kind)
	if !ok {
		return "", det, &Error{Cause: "unknown kind " + kind}
	}
	idx, err := mapColumns(s.header, t, km)
	if err != nil {
		return kind, det, &Error{Cause: err.Error() + " (it has " + strings.Join(s.header, ", ") + ")"}
	}
	if missing := missingColumns(t, idx, km); len(missing) > 0 {
		cause := fmt.Sprintf("cannot map the columns to %s: found %s; missing %s", kind, strings.Join(s.header, ", "), strings.Join(missing, ", "))
		if len(s.header) == 1 {
			cause += "; the header is one column: is the separator one other than comma, semicolon or tab?"
		}
		return kind, det, &Error{Cause: cause + ". Name the columns in a mapping file (--mapping), or rename them"}
	}
	c := newConverter(s, t, idx, km, det.Format == "xlsx")
	if err := c.detect(); err != nil {
		return kind, det, err
	}
	det.DecimalStyle, det.DateStyle = c.numberStyle, c.dateStyleText()
	det.Columns = c.columnMappings()
	if len(km.Constants) > 0 {
		det.Constants = km.Constants
	}
	if err := c.write(in.Out); err != nil {
		return kind, det, err
	}
	if len(c.problems) > 0 {
		return kind, det, &Error{Problems: c.problems}
	}
	return kind, det, nil
}

// missingColumns are the required contract columns neither mapped nor constant.
func missingColumns(t Table, idx map[string]int, km KindMapping) []string {
	var missing []string
	for _, c := range t.Columns {
		_, mapped := idx[c.Name]
		_, constant := km.Constants[c.Name]
		if c.Required && !mapped && !constant {
			missing = append(missing, c.Name)
		}
	}
	if t.Kind == "payments" {
		_, cust := idx["customer_id"]
		_, inv := idx["invoice_id"]
		if !cust && !inv {
			missing = append(missing, "customer_id or invoice_id")
		}
	}
	return missing
}

// converter converts the cells of one file.
type converter struct {
	s           *sheetRows
	t           Table
	idx         map[string]int
	km          KindMapping
	xlsx        bool
	numberStyle string
	dateStyles  map[string]string // per date column
	problems    []Problem
}

func newConverter(s *sheetRows, t Table, idx map[string]int, km KindMapping, xlsx bool) *converter {
	return &converter{s: s, t: t, idx: idx, km: km, xlsx: xlsx, dateStyles: map[string]string{}}
}

func (c *converter) cell(row []string, col string) string {
	i, ok := c.idx[col]
	if !ok || i >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[i])
}

// detect decides the file's number style and each date column's style.
func (c *converter) detect() error {
	c.numberStyle = c.km.NumberStyle
	if c.numberStyle == "" {
		comma, point := 0, 0
		for _, col := range c.t.Columns {
			if _, ok := c.idx[col.Name]; !ok || col.Type != Amount {
				continue
			}
			for _, row := range c.s.rows {
				v := c.cell(row, col.Name)
				if c.xlsx && !strings.Contains(v, ",") {
					continue // a number cell, or text that tells nothing
				}
				cm, pt := numberEvidence(v)
				if cm {
					comma++
				}
				if pt {
					point++
				}
			}
		}
		c.numberStyle = DecimalPoint
		if comma > point {
			c.numberStyle = DecimalComma
		}
	}
	var ambiguous []string
	for _, col := range c.t.Columns {
		if _, ok := c.idx[col.Name]; !ok || col.Type != Date {
			continue
		}
		if c.km.DateStyle != "" {
			c.dateStyles[col.Name] = c.km.DateStyle
			continue
		}
		counts := map[string]int{}
		for _, row := range c.s.rows {
			v := c.cell(row, col.Name)
			if v == "" {
				continue
			}
			for _, st := range DateStyles {
				if _, ok := parseDate(v, st); ok {
					counts[st]++
				}
			}
		}
		best := isoDate
		for _, st := range DateStyles {
			if counts[st] > counts[best] {
				best = st
			}
		}
		if best == dayFirst && counts[monthFrst] == counts[dayFirst] && c.differs(col.Name) {
			ambiguous = append(ambiguous, col.Name)
		}
		c.dateStyles[col.Name] = best
	}
	// A column that cannot tell day from month follows one of the same file that can.
	for _, name := range ambiguous {
		decided := ""
		for col, st := range c.dateStyles {
			if (st == dayFirst || st == monthFrst) && !contains(ambiguous, col) {
				decided = st
			}
		}
		if decided != "" {
			c.dateStyles[name] = decided
			continue
		}
		src := c.s.header[c.idx[name]]
		example := ""
		line := c.s.headerLine
		for i, row := range c.s.rows {
			if v := c.cell(row, name); v != "" {
				example, line = v, c.s.lines[i]
				break
			}
		}
		return &Error{Problems: []Problem{{Line: line, Column: src, Value: example,
			Expected: "dates that tell the day from the month: every date of column " + src + " reads as day-month and as month-day",
			Hint:     fmt.Sprintf("is %s day-month or month-day? Set \"date_style\": \"dd-mm-yyyy\" or \"mm-dd-yyyy\" for %s in a mapping file (--mapping)", example, c.t.Kind)}}}
	}
	return nil
}

// differs reports whether some date of the column has a day and a month
// that differ, so that reading it day-first or month-first matters.
func (c *converter) differs(col string) bool {
	for _, row := range c.s.rows {
		p, ok := splitDate(c.cell(row, col))
		if ok && strings.TrimLeft(p[0], "0") != strings.TrimLeft(p[1], "0") {
			return true
		}
	}
	return false
}

func (c *converter) dateStyleText() string {
	seen := map[string]bool{}
	var styles []string
	for _, col := range c.t.Columns {
		if st, ok := c.dateStyles[col.Name]; ok && !seen[st] {
			seen[st] = true
			styles = append(styles, st)
		}
	}
	return strings.Join(styles, ", ")
}

func (c *converter) columnMappings() []ColumnMapping {
	var ms []ColumnMapping
	for _, col := range c.t.Columns {
		if i, ok := c.idx[col.Name]; ok {
			ms = append(ms, ColumnMapping{Source: c.s.header[i], Column: col.Name})
		}
	}
	return ms
}

// outColumns are the contract's mapped and constant columns, then the
// other source columns under their own names (kept as attributes).
func (c *converter) outColumns() (names []string, contract []Column, extras []int) {
	used := map[int]bool{}
	for _, col := range c.t.Columns {
		i, mapped := c.idx[col.Name]
		_, constant := c.km.Constants[col.Name]
		if mapped || constant {
			names = append(names, col.Name)
			contract = append(contract, col)
		}
		if mapped {
			used[i] = true
		}
	}
	taken := map[string]bool{}
	for _, col := range c.t.Columns {
		taken[col.Name] = true
	}
	for i, h := range c.s.header {
		if used[i] {
			continue
		}
		name := strings.TrimSpace(h)
		if name == "" {
			name = fmt.Sprintf("column_%d", i+1)
		}
		for n := 2; taken[strings.ToLower(name)]; n++ {
			name = fmt.Sprintf("%s_%d", strings.TrimSpace(h), n)
		}
		taken[strings.ToLower(name)] = true
		names = append(names, name)
		extras = append(extras, i)
	}
	return names, contract, extras
}

// write writes the canonical CSV, converting every cell and collecting
// the cells that do not convert.
func (c *converter) write(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	// The CSV writer writes into bw itself (bufio reuses a big enough
	// buffered writer), so the blank lines written to bw stay in order
	// without flushing row by row.
	bw := bufio.NewWriterSize(f, 1<<20)
	w := csv.NewWriter(bw)
	names, contract, extras := c.outColumns()
	if err := w.Write(names); err != nil {
		return err
	}
	next := 2 // the line the next row starts on
	out := make([]string, len(names))
	for r, row := range c.s.rows {
		line := c.s.lines[r]
		if blank(row) {
			continue
		}
		if len(row) != len(c.s.header) && !c.xlsx {
			c.problems = append(c.problems, c.fieldCountProblem(line, row))
			continue
		}
		for j, col := range contract {
			out[j] = c.convert(line, row, col)
		}
		for j, i := range extras {
			out[len(contract)+j] = ""
			if i < len(row) {
				out[len(contract)+j] = row[i]
			}
		}
		for ; next < line; next++ {
			bw.WriteByte('\n')
		}
		if err := w.Write(out); err != nil {
			return err
		}
		next++
		for _, v := range out {
			next += strings.Count(v, "\n")
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	sort.SliceStable(c.problems, func(i, j int) bool { return c.problems[i].Line < c.problems[j].Line })
	return f.Close()
}

func (c *converter) fieldCountProblem(line int, row []string) Problem {
	p := Problem{Line: line, Value: strings.Join(row, ","),
		Expected: fmt.Sprintf("%d fields, as in the header; found %d", len(c.s.header), len(row))}
	if len(row) > len(c.s.header) {
		for _, v := range row {
			if d := strings.TrimSpace(v); len(d) >= 1 && len(d) <= 3 && digits(d) {
				p.Hint = "an amount with a comma (1234,56 or 1,234.56) splits into two fields in a comma-separated file: put the amount in quotes, leave out the thousands separator, or separate the columns with semicolons"
				break
			}
		}
	}
	return p
}

// convert returns a contract cell in canonical form, and records a problem
// when it does not convert (the cell is then written as it was).
func (c *converter) convert(line int, row []string, col Column) string {
	v := c.cell(row, col.Name)
	if v == "" {
		return c.km.Constants[col.Name]
	}
	src := c.s.header[c.idx[col.Name]]
	bad := func(expected, hint string) string {
		c.problems = append(c.problems, Problem{Line: line, Column: src, Value: v, Expected: expected, Hint: hint})
		return v
	}
	switch col.Type {
	case Amount:
		// A workbook's number cells are numbers whatever the style of its
		// text cells.
		if _, err := strconv.ParseFloat(v, 64); err == nil && c.xlsx {
			if a, ok := parseAmount(roundCell(v), DecimalPoint); ok {
				return a
			}
		}
		if a, ok := parseAmount(v, c.numberStyle); ok {
			return a
		}
		return bad("an amount like "+c.numberStyle, "")
	case Date:
		st := c.dateStyles[col.Name]
		if d, ok := parseDate(v, st); ok {
			return d
		}
		if c.xlsx {
			if d, ok := parseDate(v, excelDate); ok {
				return d
			}
		}
		return bad("a date as "+st, "")
	case Bool:
		if b, ok := parseBool(v); ok {
			return b
		}
		return bad("yes or no (ja/nee, true/false, 1/0, j/n)", "")
	}
	return v
}
