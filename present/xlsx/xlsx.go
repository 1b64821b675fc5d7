// Package xlsx writes tables as the sheets of an Excel workbook: a styled
// header row, then rows of cells, amounts as numbers with a number format
// and dates as dates, so that they add up in a spreadsheet.
//
// It may import the root domain package and excelize; the weekly report and
// the command line's exports use it.
package xlsx

import (
	"strings"

	"github.com/creditflow/creditflow"

	"github.com/xuri/excelize/v2"
)

// Cell is one value with its style; a zero style means the default.
type Cell struct {
	V     any
	Style int
}

// Value is v in the default style.
func Value(v any) Cell { return Cell{V: v} }

// Sheet is one table of a workbook.
type Sheet struct {
	Name   string
	Header []string
	Rows   [][]Cell
	// Widths are the widths of the columns from A on; nil keeps the default.
	Widths []float64
	// Freeze keeps the header row in view while the rows scroll.
	Freeze bool
}

// Book is a workbook written sheet by sheet. After the first error it
// writes nothing more; Err returns that error.
type Book struct {
	*excelize.File
	// MoneyStyle and DateStyle are the styles of Money and Date cells.
	MoneyStyle, DateStyle int
	head, sheets          int
	err                   error
}

// New starts a workbook whose header rows have the style head; amounts are
// formatted #,##0.00 and dates yyyy-mm-dd.
func New(head excelize.Style) *Book {
	moneyFmt, dateFmt := `#,##0.00`, `yyyy-mm-dd`
	b := &Book{File: excelize.NewFile()}
	b.head = b.Style(head)
	b.MoneyStyle = b.Style(excelize.Style{CustomNumFmt: &moneyFmt})
	b.DateStyle = b.Style(excelize.Style{CustomNumFmt: &dateFmt})
	return b
}

// Style registers s and returns its id for a Cell.
func (b *Book) Style(s excelize.Style) int {
	if b.err != nil {
		return 0
	}
	id, err := b.NewStyle(&s)
	b.err = err
	return id
}

// CurrencyFormat is the number format of amounts in the currency cur: the
// euro sign before euros ("€ "#,##0.00), the code before other currencies
// ("USD "#,##0.00). A spreadsheet writes the separators of its own locale.
func CurrencyFormat(cur string) string {
	sign := cur
	if cur == "EUR" || cur == "" {
		sign = "€"
	}
	sign = strings.ReplaceAll(sign, `"`, "")
	return `"` + sign + ` "#,##0.00;"` + sign + ` "-#,##0.00`
}

// UseCurrency makes the Money cells that follow amounts in cur, with the
// currency's sign in their number format (CurrencyFormat).
func (b *Book) UseCurrency(cur string) {
	f := CurrencyFormat(cur)
	b.MoneyStyle = b.Style(excelize.Style{CustomNumFmt: &f})
}

// Money is an amount as a number in the money format: units with the
// cents as decimals, the double nearest to the exact amount.
func (b *Book) Money(x creditflow.Money) Cell { return Cell{x.Float64(), b.MoneyStyle} }

// Date is a date as a date, or an empty cell for the zero date.
func (b *Book) Date(x creditflow.Date) Cell {
	if x.IsZero() {
		return Cell{"", 0}
	}
	return Cell{x.Time, b.DateStyle}
}

// Add writes s as the next sheet; the first one takes the place of the
// new workbook's empty "Sheet1".
func (b *Book) Add(s Sheet) {
	if b.err != nil {
		return
	}
	if b.sheets == 0 {
		b.err = b.SetSheetName("Sheet1", s.Name)
	} else {
		_, b.err = b.NewSheet(s.Name)
	}
	b.sheets++
	for i, h := range s.Header {
		b.set(s.Name, i+1, 1, Cell{h, b.head})
	}
	for r, row := range s.Rows {
		for c, x := range row {
			b.set(s.Name, c+1, r+2, x)
		}
	}
	for i, w := range s.Widths {
		if b.err != nil {
			return
		}
		col, _ := excelize.ColumnNumberToName(i + 1)
		b.err = b.SetColWidth(s.Name, col, col, w)
	}
	if s.Freeze && b.err == nil {
		b.err = b.SetPanes(s.Name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	}
}

// set writes x into the cell at column col and row row, both from 1.
func (b *Book) set(sheet string, col, row int, x Cell) {
	if b.err != nil {
		return
	}
	ref, _ := excelize.CoordinatesToCellName(col, row)
	if b.err = b.SetCellValue(sheet, ref, x.V); b.err == nil && x.Style != 0 {
		b.err = b.SetCellStyle(sheet, ref, ref, x.Style)
	}
}

// Err is the first error of the writing, if any.
func (b *Book) Err() error { return b.err }
