package dunning

import (
	"fmt"
	"io"

	"github.com/creditflow/creditflow"
)

// PrintBatchPDF writes letters as one A4 PDF to print and post, in their
// order, each starting on a new page, as PDF draws them. It returns the
// number of pages of each letter, so that whoever folds them knows where one
// ends. title names the batch (its PDF title); date is its creation date.
func PrintBatchPDF(w io.Writer, title string, date creditflow.Date, letters []DunningLetter) ([]int, error) {
	if len(letters) == 0 {
		return nil, fmt.Errorf("print batch: no letters")
	}
	pdf := newLetterPDF(date, title, letters[0].Creditor.Name)
	pages := make([]int, len(letters))
	for i, l := range letters {
		before := pdf.PageNo()
		l.drawPDF(pdf)
		pages[i] = pdf.PageNo() - before
	}
	if err := pdf.Error(); err != nil {
		return nil, fmt.Errorf("print batch: %w", err)
	}
	if err := pdf.Output(w); err != nil {
		return nil, fmt.Errorf("print batch: %w", err)
	}
	return pages, nil
}
