package outbox

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/dunning"
)

// PrintBatchName is the file name of a run's print batch: the letter date
// and the time of the run, so that a later run the same day adds a file.
func PrintBatchName(date creditflow.Date, at time.Time) string {
	return "letters-" + date.Format("20060102") + "-" + at.Format("150405") + ".pdf"
}

// print puts the letters into one print batch PDF and marks them sent.
func (s *sender) print(ctx context.Context, date creditflow.Date, ps []pending) error {
	if err := s.claimAll(ctx, ps, ByPrint, "", ""); err != nil {
		return err
	}
	letters := make([]dunning.DunningLetter, len(ps))
	for i, p := range ps {
		letters[i] = p.letter
		o := &s.rep.Outcomes[p.out]
		o.LetterID, o.Attempts = p.id, o.Attempts+1
	}
	name := PrintBatchName(date, s.opt.Now())
	path := filepath.Join(s.opt.PrintDir, name)
	pages, err := writeBatch(path, date, letters)
	if err != nil {
		for _, p := range ps {
			o := &s.rep.Outcomes[p.out]
			o.Result, o.Error = Deferred, err.Error()
			if serr := s.setStatus(ctx, p.id, statusQueued, err.Error()); serr != nil {
				return serr
			}
		}
		return err
	}
	if err := s.markSent(ctx, ps, ByPrint, "", "print batch "+name); err != nil {
		return err
	}
	total := 0
	for i, p := range ps {
		s.rep.Outcomes[p.out].Result = Printed
		total += pages[i]
	}
	s.rep.PrintBatch, s.rep.PrintPages = path, total
	return nil
}

// writeBatch writes the print batch to path in one rename.
func writeBatch(path string, date creditflow.Date, letters []dunning.DunningLetter) ([]int, error) {
	var b bytes.Buffer
	pages, err := dunning.PrintBatchPDF(&b, "Print batch "+date.String(), date, letters)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("print batch: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b.Bytes(), 0o644); err != nil {
		return nil, fmt.Errorf("print batch: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return nil, fmt.Errorf("print batch: %w", err)
	}
	return pages, nil
}
