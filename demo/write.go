package demo

import (
	"bufio"
	"context"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/creditflow/creditflow"
)

// ctxEvery is how many rows are written between checks for cancellation.
const ctxEvery = 1 << 16

// csvWriter writes rows assembled by hand in line, which is reused.
type csvWriter struct {
	w    *bufio.Writer
	line []byte
}

// end terminates the row in w.line, writes it and resets the line.
func (w *csvWriter) end() error {
	w.line = append(w.line, '\n')
	_, err := w.w.Write(w.line)
	w.line = w.line[:0]
	return err
}

// header writes the header line h.
func (w *csvWriter) header(h string) error {
	w.line = append(w.line, h...)
	return w.end()
}

// rows writes the header line, then n rows: row appends the fields of row
// i to b and returns it; rows ends the line and checks for cancellation.
func (w *csvWriter) rows(ctx context.Context, header string, n int, row func(b []byte, i int) []byte) error {
	if err := w.header(header); err != nil {
		return err
	}
	for i := range n {
		if err := cancelled(ctx, i); err != nil {
			return err
		}
		w.line = row(w.line, i)
		if err := w.end(); err != nil {
			return err
		}
	}
	return nil
}

// cancelled returns ctx's error at every ctxEvery-th row i, nil otherwise.
func cancelled(ctx context.Context, i int) error {
	if i%ctxEvery == 0 {
		return ctx.Err()
	}
	return nil
}

// writeFile writes path through a temporary file that is renamed into place
// only when write succeeded.
func writeFile(ctx context.Context, path string, write func(context.Context, *csvWriter) error) (err error) {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	w := &csvWriter{w: bufio.NewWriterSize(f, 1<<20), line: make([]byte, 0, 512)}
	if err = write(ctx, w); err != nil {
		return err
	}
	if err = w.w.Flush(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// appendPadded appends v in decimal with leading zeros to width digits.
func appendPadded(b []byte, v int64, width int) []byte {
	var buf [20]byte
	s := strconv.AppendInt(buf[:0], v, 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// appendField appends s as a CSV field, quoted when it needs to be.
func appendField(b []byte, s string) []byte {
	if !strings.ContainsAny(s, ",\"\r\n") {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}

func appendCustomerID(b []byte, ci int32) []byte {
	return appendPadded(append(b, 'C'), int64(ci)+1, 6)
}

// appendInvoiceNumber appends "2024-000123", the invoice number without
// its "INV-" prefix.
func (l *ledger) appendInvoiceNumber(b []byte, i int32) []byte {
	inv := &l.invoices[i]
	b = appendPadded(b, int64(l.cal.year[inv.day]), 4)
	b = append(b, '-')
	return appendPadded(b, int64(inv.num), 6)
}

func (l *ledger) appendInvoiceID(b []byte, i int32) []byte {
	return l.appendInvoiceNumber(append(b, "INV-"...), i)
}

var monthNames = [13]string{"", "januari", "februari", "maart", "april", "mei", "juni",
	"juli", "augustus", "september", "oktober", "november", "december"}

// appendDescription appends the description of invoice i; it never needs
// quoting.
func (l *ledger) appendDescription(b []byte, i int32) []byte {
	inv := &l.invoices[i]
	d := inv.day
	monthYear := func(b []byte) []byte {
		b = append(b, monthNames[l.cal.month[d]]...)
		b = append(b, ' ')
		return strconv.AppendInt(b, int64(l.cal.year[d]), 10)
	}
	switch inv.desc {
	case descDelivery:
		b = append(b, "Levering week "...)
		return strconv.AppendInt(b, int64(l.cal.week[d]), 10)
	case descOrder:
		b = append(b, "Bestelling "...)
		return strconv.AppendInt(b, int64(inv.dnum), 10)
	case descServices:
		return monthYear(append(b, "Diensten "...))
	case descProject:
		b = append(b, "Termijn "...)
		b = strconv.AppendInt(b, int64(inv.dnum%6+1), 10)
		b = append(b, " project P"...)
		return strconv.AppendInt(b, int64(inv.dnum/6%9000+1000), 10)
	case descSubscription:
		return monthYear(append(b, "Abonnement "...))
	case descTrip:
		b = append(b, "Transportopdracht "...)
		return strconv.AppendInt(b, int64(inv.dnum), 10)
	case descMaintenance:
		return monthYear(append(b, "Onderhoud "...))
	case descCredit:
		return l.appendInvoiceID(append(b, "Creditnota bij "...), inv.ref)
	}
	return b
}

func (l *ledger) writeCustomers(ctx context.Context, w *csvWriter) error {
	const header = "customer_id,name,country,segment,kind,payment_terms_days,credit_limit,registration_id,email,phone,account_manager"
	return w.rows(ctx, header, len(l.customers), func(b []byte, i int) []byte {
		c := &l.customers[i]
		b = appendCustomerID(b, int32(i))
		b = append(b, ',')
		b = appendField(b, c.name)
		b = append(b, ',')
		b = append(b, c.country...)
		b = append(b, ',')
		b = append(b, segmentNames[c.segment]...)
		if c.b2c {
			b = append(b, ",b2c,"...)
		} else {
			b = append(b, ",b2b,"...)
		}
		b = strconv.AppendInt(b, int64(c.terms), 10)
		b = append(b, ',')
		if c.creditLimit >= 0 {
			b = creditflow.Money(c.creditLimit).AppendText(b)
		}
		b = append(b, ',')
		if c.kvk != 0 {
			b = strconv.AppendInt(b, int64(c.kvk), 10)
		}
		b = append(b, ',')
		b = appendField(b, c.email)
		b = append(b, ',')
		b = appendField(b, c.phone)
		b = append(b, ',')
		b = appendField(b, c.manager)
		return b
	})
}

func (l *ledger) writeInvoices(ctx context.Context, w *csvWriter) error {
	const header = "invoice_id,customer_id,invoice_date,due_date,amount,currency,disputed,description,po_number"
	return w.rows(ctx, header, len(l.order), func(b []byte, k int) []byte {
		i := l.order[k]
		inv := &l.invoices[i]
		c := &l.customers[inv.cust]
		b = l.appendInvoiceID(b, i)
		b = append(b, ',')
		b = appendCustomerID(b, inv.cust)
		b = append(b, ',')
		b = append(b, l.cal.text[inv.day][:]...)
		b = append(b, ',')
		if inv.flags&flagNoDue == 0 {
			b = append(b, l.cal.text[inv.day+c.terms][:]...)
		}
		b = append(b, ',')
		b = creditflow.Money(inv.cents).AppendText(b)
		if inv.flags&flagDisputed != 0 {
			b = append(b, ",EUR,true,"...)
		} else {
			b = append(b, ",EUR,false,"...)
		}
		b = l.appendDescription(b, i)
		b = append(b, ',')
		switch {
		case inv.po == 0:
		case c.poStyle == 1:
			b = appendPadded(append(b, "45"...), int64(inv.po), 8)
		default:
			b = appendPadded(append(b, "PO-"...), int64(inv.po), 5)
		}
		return b
	})
}

func (l *ledger) writePayments(ctx context.Context, w *csvWriter) error {
	return l.writePaymentsBefore(ctx, w, len(l.payments))
}

// writePaymentsBefore writes the first n payments by date; the others are
// left to the bank statements, so that each payment is written once.
func (l *ledger) writePaymentsBefore(ctx context.Context, w *csvWriter, n int) error {
	const header = "payment_id,customer_id,invoice_id,payment_date,amount,method,reference"
	return w.rows(ctx, header, n, func(b []byte, k int) []byte {
		p := &l.payments[k]
		b = appendPadded(append(b, "PAY-"...), int64(k)+1, 9)
		b = append(b, ',')
		b = appendCustomerID(b, p.cust)
		b = append(b, ',')
		if p.inv >= 0 {
			b = l.appendInvoiceID(b, p.inv)
		}
		b = append(b, ',')
		b = append(b, l.cal.text[p.day][:]...)
		b = append(b, ',')
		b = creditflow.Money(p.cents).AppendText(b)
		b = append(b, ',')
		b = append(b, methodNames[p.method]...)
		b = append(b, ',')
		b = l.appendReference(b, p)
		return b
	})
}

// appendReference appends the bank statement reference of p, quoted when
// it lists several invoices.
func (l *ledger) appendReference(b []byte, p *payment) []byte {
	switch p.ref {
	case refLumpList:
		return append(l.appendReferenceText(append(b, '"'), p), '"')
	case refName:
		return appendField(b, l.customers[p.cust].name)
	}
	return l.appendReferenceText(b, p)
}

// appendReferenceText appends the reference of p as the payer typed it,
// unquoted; the bank statements carry it as remittance text.
func (l *ledger) appendReferenceText(b []byte, p *payment) []byte {
	switch p.ref {
	case refInvoiceID:
		return l.appendInvoiceID(b, p.inv)
	case refFactuur:
		return l.appendInvoiceID(append(b, "factuur "...), p.inv)
	case refNetted:
		return append(l.appendInvoiceID(b, p.inv), " minus creditnota"...)
	case refDebit:
		return l.appendInvoiceID(append(b, "SEPA incasso "...), p.inv)
	case refStorno:
		b = l.appendInvoiceID(append(b, "Storno SEPA incasso "...), p.inv)
		return append(append(b, " reden "...), stornoReasons[p.n]...)
	case refRepay:
		return append(l.appendInvoiceID(b, p.inv), " na storno"...)
	case refCard:
		return l.appendInvoiceID(append(b, "Kaartbetaling "...), p.inv)
	case refPartial:
		b = append(b, "Deelbetaling "...)
		b = strconv.AppendInt(b, int64(p.aux), 10)
		b = append(b, '/')
		b = strconv.AppendInt(b, int64(p.n), 10)
		b = append(b, ' ')
		return l.appendInvoiceID(b, p.inv)
	case refLumpList:
		b = append(b, "facturen "...)
		for k, i := range l.lumps[p.aux : p.aux+int32(p.n)] {
			if k > 0 {
				b = append(b, ", "...)
			}
			b = l.appendInvoiceID(b, i)
		}
		return b
	case refLumpText:
		return append(b, "betaling openstaande posten"...)
	case refLoose:
		return l.appendInvoiceNumber(append(b, "fact "...), p.aux)
	case refName:
		return append(b, l.customers[p.cust].name...)
	}
	return b
}

func (l *ledger) writeTruth(ctx context.Context, w *csvWriter) error {
	const header = "customer_id,behaviour,base_delay_days,change_date,shift_days,default_date"
	return w.rows(ctx, header, len(l.customers), func(b []byte, i int) []byte {
		c := &l.customers[i]
		b = appendCustomerID(b, int32(i))
		b = append(b, ',')
		b = append(b, behaviourNames[c.behaviour]...)
		b = append(b, ',')
		base := math.Round(c.base*10) / 10
		if base == 0 {
			base = 0 // no "-0.0"
		}
		b = strconv.AppendFloat(b, base, 'f', 1, 64)
		b = append(b, ',')
		if c.change >= 0 {
			b = append(b, l.cal.text[c.change][:]...)
		}
		b = append(b, ',')
		if c.change >= 0 {
			b = strconv.AppendInt(b, int64(c.shift), 10)
		}
		b = append(b, ',')
		if c.dflt >= 0 {
			b = append(b, l.cal.text[c.dflt][:]...)
		}
		return b
	})
}
