package ingest

import (
	"errors"
	"fmt"
	"strings"

	"github.com/creditflow/creditflow"
)

// maxProblems is how many problems of a bad file are reported.
const maxProblems = 20

// Problem is one bad cell of an input file.
type Problem struct {
	// File is set by Problems, which lists the problems of several files.
	File     string `json:"file,omitempty"`
	Line     int    `json:"line"`
	Column   string `json:"column"`
	Value    string `json:"value"`
	Expected string `json:"expected"`
	// Hint names the likely cause, when there is one.
	Hint string `json:"hint,omitempty"`
}

// FileError rejects a whole file and lists its first problems.
type FileError struct {
	File     string    `json:"file"`
	Format   Format    `json:"format"`
	Problems []Problem `json:"problems"`
	// Total counts all problems found, of which at most maxProblems are listed.
	Total int `json:"total"`
	// Cause is set when the file could not be read at all.
	Cause string `json:"cause,omitempty"`
}

func (e *FileError) Error() string {
	var b strings.Builder
	if e.Cause != "" {
		fmt.Fprintf(&b, "%s: %s", e.File, e.Cause)
		return b.String()
	}
	unit := "line"
	if e.Format == Parquet || e.Format == XLSX {
		unit = "row"
	}
	fmt.Fprintf(&b, "%s: rejected, %d problem(s)", e.File, e.Total)
	if e.Total > len(e.Problems) {
		fmt.Fprintf(&b, ", first %d shown", len(e.Problems))
	}
	b.WriteString("; nothing was loaded")
	for _, p := range e.Problems {
		fmt.Fprintf(&b, "\n  %s: %s %d", e.File, unit, p.Line)
		if p.Column != "" {
			fmt.Fprintf(&b, ", column %s", p.Column)
		}
		fmt.Fprintf(&b, ": expected %s", p.Expected)
		if p.Value != "" {
			fmt.Fprintf(&b, ", got %q", p.Value)
		}
		if p.Hint != "" {
			fmt.Fprintf(&b, " (%s)", p.Hint)
		}
	}
	return b.String()
}

// Unwrap makes a FileError an ErrInvalid.
func (e *FileError) Unwrap() error { return creditflow.ErrInvalid }

// Problems lists the problems of every file an ingest error refused, each
// with its file, in the order of the run.
func Problems(err error) []Problem {
	var ps []Problem
	var walk func(error)
	walk = func(err error) {
		var fe *FileError
		switch e := err.(type) {
		case nil:
		case interface{ Unwrap() []error }:
			for _, err := range e.Unwrap() {
				walk(err)
			}
		default:
			if errors.As(err, &fe) {
				for _, p := range fe.Problems {
					p.File = fe.File
					ps = append(ps, p)
				}
			}
		}
	}
	walk(err)
	return ps
}
