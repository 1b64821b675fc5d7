package dialect

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// Type is how a contract column's cells are converted.
type Type int

// The types a cell is converted to.
const (
	Text Type = iota
	Date
	Amount
	Bool
)

// Column is one column of the input contract.
type Column struct {
	Name     string
	Type     Type
	Required bool
}

// Table is one table of the input contract: its kind ("invoices") and columns.
type Table struct {
	Kind    string
	Columns []Column
}

// Mapping is the mapping file: per kind, how a user's export maps onto the
// contract. It is JSON, kept beside the exports and reused run after run:
//
//	{"invoices": {"columns": {"invoice_id": "Factuurnr", "amount": "Bedrag incl"},
//	              "constants": {"currency": "EUR"},
//	              "date_style": "dd-mm-yyyy", "number_style": "1.234,56",
//	              "sheet": "Facturen"}}
type Mapping map[string]KindMapping

// KindMapping maps the files of one kind.
type KindMapping struct {
	// Columns names, per contract column, the source column that holds it.
	Columns map[string]string `json:"columns,omitempty"`
	// Constants give a contract column one value for every row.
	Constants map[string]string `json:"constants,omitempty"`
	// DateStyle is one of DateStyles; empty means detected.
	DateStyle string `json:"date_style,omitempty"`
	// NumberStyle is "1.234,56" (decimal comma) or "1,234.56" (decimal
	// point); empty means detected.
	NumberStyle string `json:"number_style,omitempty"`
	// Sheet is the worksheet of an XLSX workbook; empty means the first.
	Sheet string `json:"sheet,omitempty"`
}

// DateStyles are the date styles a mapping file may name.
var DateStyles = []string{"yyyy-mm-dd", "dd-mm-yyyy", "mm-dd-yyyy", "excel"}

// ReadMapping reads and checks a mapping file.
func ReadMapping(path string, tables []Table) (Mapping, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m, err := ParseMapping(b, tables)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return m, nil
}

// ParseMapping reads and checks the JSON of a mapping file.
func ParseMapping(b []byte, tables []Table) (Mapping, error) {
	var m Mapping
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("mapping file: %v", err)
	}
	return m, m.check(tables)
}

func (m Mapping) check(tables []Table) error {
	for kind, km := range m {
		t, ok := tableOf(tables, kind)
		if !ok {
			return fmt.Errorf("mapping file: unknown kind %q: expected customers, invoices, payments, customer_accounts or open_items", kind)
		}
		for col := range km.Columns {
			if _, ok := t.column(col); !ok {
				return fmt.Errorf("mapping file: %s: unknown column %q: expected one of %s", kind, col, strings.Join(t.names(), ", "))
			}
		}
		for col := range km.Constants {
			if _, ok := t.column(col); !ok {
				return fmt.Errorf("mapping file: %s: unknown constant column %q: expected one of %s", kind, col, strings.Join(t.names(), ", "))
			}
		}
		if km.DateStyle != "" && !contains(DateStyles, km.DateStyle) {
			return fmt.Errorf("mapping file: %s: date_style %q: expected one of %s", kind, km.DateStyle, strings.Join(DateStyles, ", "))
		}
		if km.NumberStyle != "" && km.NumberStyle != DecimalComma && km.NumberStyle != DecimalPoint {
			return fmt.Errorf("mapping file: %s: number_style %q: expected %q or %q", kind, km.NumberStyle, DecimalComma, DecimalPoint)
		}
	}
	return nil
}

func tableOf(tables []Table, kind string) (Table, bool) {
	for _, t := range tables {
		if t.Kind == kind {
			return t, true
		}
	}
	return Table{}, false
}

func (t Table) column(name string) (Column, bool) {
	for _, c := range t.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}

func (t Table) names() []string {
	var ns []string
	for _, c := range t.Columns {
		ns = append(ns, c.Name)
	}
	return ns
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
