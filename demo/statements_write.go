package demo

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/creditflow/creditflow"
)

// write writes the statement files, customer_accounts.csv and
// statement_truth.csv into dir and returns their paths.
func (s *statements) write(ctx context.Context, dir string) ([]string, error) {
	sdir := filepath.Join(dir, StatementsDir)
	if err := os.MkdirAll(sdir, 0o755); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	var paths []string
	put := func(path string, write func(context.Context, *csvWriter) error) error {
		if err := writeFile(ctx, path, write); err != nil {
			return fmt.Errorf("demo: write %s: %w", path, err)
		}
		paths = append(paths, path)
		return nil
	}
	if err := put(filepath.Join(dir, CustomerAccountsFile), s.writeCustomerAccounts); err != nil {
		return nil, err
	}
	if err := put(filepath.Join(dir, StatementTruthFile), s.writeTruth); err != nil {
		return nil, err
	}
	balance := [2]int64{s.acct[0].opening, s.acct[1].opening}
	for m := range len(s.months) - 1 {
		month := string(s.l.cal.text[s.months[m]][:7])
		cw := camtWriter{statementMonth: statementMonth{s: s, acct: 0, month: m, opening: balance[0]}}
		if err := put(filepath.Join(sdir, "camt053-"+month+".xml"), cw.write); err != nil {
			return nil, err
		}
		mw := mt940Writer{statementMonth: statementMonth{s: s, acct: 1, month: m, opening: balance[1]}}
		if err := put(filepath.Join(sdir, "mt940-"+month+".sta"), mw.write); err != nil {
			return nil, err
		}
		balance = [2]int64{cw.closing, mw.closing}
	}
	return paths, nil
}

func (s *statements) writeCustomerAccounts(ctx context.Context, w *csvWriter) error {
	if err := w.header("customer_id,iban,name"); err != nil {
		return err
	}
	for i := range s.payers {
		if err := cancelled(ctx, i); err != nil {
			return err
		}
		py := &s.payers[i]
		for k := range int(py.nIBAN) {
			if py.known&(1<<k) == 0 {
				continue
			}
			b := appendCustomerID(w.line, int32(i))
			b = append(append(b, ','), py.iban[k]...)
			w.line = appendField(append(b, ','), py.name)
			if err := w.end(); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *statements) writeTruth(ctx context.Context, w *csvWriter) error {
	if err := w.header("transaction_id,account,booking_date,amount,payment_id,customer_id,invoice_ids,kind,noise"); err != nil {
		return err
	}
	l := s.l
	n := 0
	for a := range s.acct {
		acct := &s.acct[a]
		for i := range acct.txs {
			n++
			if err := cancelled(ctx, n); err != nil {
				return err
			}
			t := &acct.txs[i]
			b := s.appendTxID(w.line, a, t)
			b = append(append(b, ','), acct.iban...)
			b = append(append(b, ','), l.cal.text[t.day][:]...)
			b = creditflow.Money(t.cents).AppendText(append(b, ','))
			b = append(b, ',')
			if t.pay >= 0 {
				p := &l.payments[t.pay]
				b = appendPadded(append(b, "PAY-"...), int64(t.pay)+1, 9)
				b = appendCustomerID(append(b, ','), p.cust)
				b = l.appendInvoiceIDs(append(b, ','), p)
			} else {
				b = append(b, ",,"...)
			}
			b = append(append(b, ','), kindNames[t.kind]...)
			b = append(b, ',')
			sep := false
			for k, name := range noiseNames {
				if t.noise&(1<<k) != 0 {
					if sep {
						b = append(b, ';')
					}
					b = append(b, name...)
					sep = true
				}
			}
			w.line = b
			if err := w.end(); err != nil {
				return err
			}
		}
	}
	return nil
}
