package dunning

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
)

// LetterFile is one row of index.csv: a letter and the files it was
// written to.
type LetterFile struct {
	Letter DunningLetter
	HTML   string
	PDF    string
}

// indexHeader is the header of index.csv.
var indexHeader = []string{"customer_id", "customer_name", "email", "step", "template", "form", "channel", "language",
	"date", "principal", "charging", "interest", "costs", "total", "deadline", "reference", "html", "pdf"}

// WriteLetters writes every letter to dir as <customer_id>-<step>.<lang>.html
// and .pdf, and index.csv listing them (file names relative to dir).
func WriteLetters(dir string, letters []DunningLetter) ([]LetterFile, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("letters: %w", err)
	}
	files := make([]LetterFile, 0, len(letters))
	for _, l := range letters {
		base := safeFileName(l.CustomerID) + "-" + safeFileName(l.Step) + "." + string(l.Language)
		f := LetterFile{Letter: l, HTML: base + ".html", PDF: base + ".pdf"}
		for _, out := range []struct {
			name   string
			render func(io.Writer) error
		}{{f.HTML, l.HTML}, {f.PDF, l.PDF}} {
			var b bytes.Buffer
			if err := out.render(&b); err != nil {
				return nil, fmt.Errorf("letter %s: %w", out.name, err)
			}
			if err := os.WriteFile(filepath.Join(dir, out.name), b.Bytes(), 0o644); err != nil {
				return nil, fmt.Errorf("letters: %w", err)
			}
		}
		files = append(files, f)
	}
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	cw.Write(indexHeader)
	for _, f := range files {
		l := f.Letter
		deadline := ""
		if !l.Deadline.IsZero() {
			deadline = l.Deadline.String()
		}
		cw.Write([]string{l.CustomerID, l.CustomerName, l.Email, l.Step, l.Template, l.Form, string(l.Channel), string(l.Language),
			l.Date.String(), l.Principal.String(), string(l.Charging), l.Interest.String(), l.Costs.String(), l.Total.String(),
			deadline, l.Reference, f.HTML, f.PDF})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return nil, fmt.Errorf("letters index: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "index.csv"), b.Bytes(), 0o644); err != nil {
		return nil, fmt.Errorf("letters: %w", err)
	}
	return files, nil
}

// safeFileName replaces the characters of s that do not belong in a file
// name by '_'.
func safeFileName(s string) string {
	r := []rune(s)
	for i, c := range r {
		if !(c == '-' || c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			r[i] = '_'
		}
	}
	if s := string(r); s != "" && !slices.Contains([]string{".", ".."}, s) {
		return s
	}
	return "_"
}
