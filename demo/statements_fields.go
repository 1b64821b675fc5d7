package demo

import (
	"strconv"

	"github.com/creditflow/creditflow/bank/match"
)

// appendTxID appends the transaction id the parsers give t on account a:
// the bank reference, with the position in a split batch entry.
func (s *statements) appendTxID(b []byte, a int, t *stmtTx) []byte {
	b = s.appendBankRef(b, a, t)
	if t.sub > 0 {
		b = strconv.AppendInt(append(b, '/'), int64(t.sub), 10)
	}
	return b
}

// appendBankRef appends the bank's reference of t's entry: on A (camt
// AcctSvcrRef) the booking date and an 8-digit entry number, on B (MT940,
// after "//") "ING", the date as YYMMDD and a 7-digit number.
func (s *statements) appendBankRef(b []byte, a int, t *stmtTx) []byte {
	d := s.l.cal.text[t.day]
	if a == 0 {
		b = append(b, d[0:4]...)
		b = append(b, d[5:7]...)
		b = append(b, d[8:10]...)
		return appendPadded(b, int64(t.entry), 8)
	}
	b = append(b, "ING"...)
	b = appendYYMMDD(b, d)
	return appendPadded(b, int64(t.entry), 7)
}

// appendYYMMDD appends a calendar text date as YYMMDD.
func appendYYMMDD(b []byte, d [10]byte) []byte {
	b = append(b, d[2:4]...)
	b = append(b, d[5:7]...)
	return append(b, d[8:10]...)
}

// counterparty returns who t's money comes from or goes to.
func (s *statements) counterparty(t *stmtTx) party {
	switch t.from {
	case fromOutgoing:
		return s.out[t.out].party
	case fromProvider:
		return s.provider
	}
	p := &s.l.payments[t.pay]
	py := &s.payers[p.cust]
	switch t.from {
	case fromOffice:
		return s.offices[py.office]
	case fromSecond:
		return party{py.name, py.iban[1]}
	}
	return party{py.name, py.iban[0]}
}

// appendInvoiceDigits appends the ten digits of invoice i's number, from
// which its structured references are made ("2024000123").
func (l *ledger) appendInvoiceDigits(b []byte, i int32) []byte {
	inv := &l.invoices[i]
	b = appendPadded(b, int64(l.cal.year[inv.day]), 4)
	return appendPadded(b, int64(inv.num), 6)
}

// appendRemittance appends t's remittance information: the structured
// reference for remKenmerk and remRF, the free text otherwise, with its
// typing error applied.
func (s *statements) appendRemittance(b []byte, t *stmtTx) []byte {
	if t.kind == kindOutgoing {
		return append(b, s.out[t.out].text...)
	}
	l := s.l
	p := &l.payments[t.pay]
	start := len(b)
	switch t.rem {
	case remNone:
		return b
	case remKenmerk, remRF:
		var d [16]byte
		num := string(l.appendInvoiceDigits(d[:0], p.inv))
		if t.rem == remRF {
			b = append(b, match.RFReference(num)...)
		} else {
			b = append(b, match.Betalingskenmerk(num)...)
		}
	default:
		if t.from == fromOffice && p.ref != refName {
			// An office names its client, then what is paid.
			b = append(b, l.customers[p.cust].name...)
			if p.ref == refEmpty {
				return b
			}
			b = append(b, ' ')
		}
		b = l.appendReferenceText(b, p)
	}
	if t.typo != 0 {
		mistype(b[start:], t.typo, t.rem != remText)
	}
	return b
}

// mistype changes one digit of the invoice number in b, or swaps two
// neighbouring ones, as bits say. In a structured reference the number is
// its last ten digits; in a text the first "YYYY-NNNNNN".
func mistype(b []byte, bits uint32, structured bool) {
	var pos [10]int
	n := 0
	if structured {
		for i := len(b) - 10; i < len(b); i++ {
			pos[n] = i
			n++
		}
	} else {
		at := invoiceNumberAt(b)
		if at < 0 {
			return
		}
		for j := range 11 {
			if j != 4 {
				pos[n] = at + j
				n++
			}
		}
	}
	k := int(bits>>1) % n
	if bits&1 == 1 && k+1 < n && pos[k+1] == pos[k]+1 && b[pos[k]] != b[pos[k+1]] {
		b[pos[k]], b[pos[k+1]] = b[pos[k+1]], b[pos[k]]
		return
	}
	d := b[pos[k]] - '0'
	b[pos[k]] = '0' + (d+1+byte(bits>>16)%9)%10
}

// invoiceNumberAt returns where the first "YYYY-NNNNNN" starts in b, or -1.
func invoiceNumberAt(b []byte) int {
	isDigit := func(c byte) bool { return c >= '0' && c <= '9' }
outer:
	for i := 0; i+11 <= len(b); i++ {
		for j := range 11 {
			if j == 4 {
				if b[i+j] != '-' {
					continue outer
				}
			} else if !isDigit(b[i+j]) {
				continue outer
			}
		}
		return i
	}
	return -1
}

// endToEndID appends the end-to-end id of the collection of invoice i; the
// return of the collection carries the same.
func (l *ledger) appendEndToEndID(b []byte, i int32) []byte {
	return l.appendInvoiceNumber(append(b, "SDD-"...), i)
}

// appendMandateID appends the direct debit mandate of customer ci.
func appendMandateID(b []byte, ci int32) []byte {
	return appendCustomerID(append(b, "MNDT-"...), ci)
}

// appendInvoiceIDs appends the space-separated invoices p is meant for:
// the listed ones of a lump, the one a loose reference names, nothing for a
// lump without a list (the ledger does not keep it).
func (l *ledger) appendInvoiceIDs(b []byte, p *payment) []byte {
	switch {
	case p.ref == refLumpList:
		for k, i := range l.lumps[p.aux : p.aux+int32(p.n)] {
			if k > 0 {
				b = append(b, ' ')
			}
			b = l.appendInvoiceID(b, i)
		}
		return b
	case p.inv >= 0:
		return l.appendInvoiceID(b, p.inv)
	case p.ref == refLoose || p.ref == refName:
		return l.appendInvoiceID(b, p.aux)
	}
	return b
}
