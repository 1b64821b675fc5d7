package mt940

import (
	"fmt"
	"strings"

	"github.com/creditflow/creditflow"
)

// LineError is a line of a statement file that Parse cannot read. It is a
// creditflow.ErrInvalid; its message names the file, the line and the field
// so that whoever downloaded the statement can find what the bank wrote.
type LineError struct {
	File     string // the name given to Parse
	Line     int    // the line of the file, from 1
	Field    string // the field's tag, like "61" or "60F"; empty before the first tag
	Expected string // what should have been there, like "a value date as YYMMDD"
	Found    string // the start of what is there instead; empty when nothing is
}

func (e *LineError) Error() string {
	return "mt940 " + e.File + ": " + e.Detail()
}

// Detail is the message without the file name: "line 14, field :61::
// expected ..., found ...".
func (e *LineError) Detail() string {
	var b strings.Builder
	fmt.Fprintf(&b, "line %d", e.Line)
	if e.Field != "" {
		fmt.Fprintf(&b, ", field :%s:", e.Field)
	}
	fmt.Fprintf(&b, ": expected %s, found %s", e.Expected, e.FoundText())
	return b.String()
}

// FoundText is Found quoted, or "nothing".
func (e *LineError) FoundText() string {
	if e.Found == "" {
		return "nothing"
	}
	return fmt.Sprintf("%q", e.Found)
}

// Unwrap makes a LineError an ErrInvalid.
func (e *LineError) Unwrap() error { return creditflow.ErrInvalid }

// maxFound is how much of the offending text an error quotes.
const maxFound = 24

// fail reports that field f does not hold what was expected where rest
// starts.
func (p *parser) fail(f field, expected, rest string) error {
	return p.failAt(f.line, f.tag, expected, rest)
}

func (p *parser) failAt(line int, tag, expected, rest string) error {
	found, _, _ := strings.Cut(strings.TrimSpace(rest), "\n")
	found = strings.TrimSpace(found)
	if r := []rune(found); len(r) > maxFound {
		found = string(r[:maxFound]) + "..."
	}
	return &LineError{File: p.name, Line: line, Field: tag, Expected: expected, Found: found}
}
