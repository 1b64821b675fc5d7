package demo

import (
	"context"
	"unicode/utf8"

	"github.com/creditflow/creditflow"
)

// mt940Writer writes one month of account B as an MT940 statement in ING's
// structured :86: style.
type mt940Writer struct {
	statementMonth
	text, details []byte // scratch for remittance text and :86: content
}

// mt940Width is the longest line ING writes.
const mt940Width = 65

func (mw *mt940Writer) write(ctx context.Context, w *csvWriter) error {
	s := mw.s
	cal := s.l.cal
	txs, first, last := mw.span()

	b := append(w.line, ":20:P"...)
	b = appendYYMMDD(b, cal.text[last])
	b = append(b, "\n:25:"...)
	b = append(b, s.acct[1].iban...)
	b = append(b, "\n:28C:"...)
	b = appendPadded(b, int64(mw.month)+1, 5)
	b = append(b, "\n:60F:"...)
	b = appendMT940Balance(b, mw.opening, cal.text[max(first-1, 0)])
	if _, err := w.w.Write(b); err != nil {
		return err
	}
	w.line = b[:0]
	for i := range txs {
		if err := cancelled(ctx, i); err != nil {
			return err
		}
		b := mw.appendTx(w.line, &txs[i])
		if _, err := w.w.Write(b); err != nil {
			return err
		}
		w.line = b[:0]
	}
	b = append(w.line, ":62F:"...)
	b = appendMT940Balance(b, mw.closing, cal.text[last])
	b = append(b, "-\n"...)
	_, err := w.w.Write(b)
	w.line = b[:0]
	return err
}

// appendMT940Balance appends "C250131EUR1234,56" and a newline.
func appendMT940Balance(b []byte, cents int64, day [10]byte) []byte {
	if cents < 0 {
		b = append(b, 'D')
	} else {
		b = append(b, 'C')
	}
	b = appendYYMMDD(b, day)
	b = append(b, "EUR"...)
	b = appendCommaCents(b, abs(cents))
	return append(b, '\n')
}

// appendCommaCents appends a non-negative amount with a decimal comma.
func appendCommaCents(b []byte, c int64) []byte {
	b = creditflow.Money(c).AppendText(b)
	b[len(b)-3] = ','
	return b
}

// appendTx appends the :61: and :86: lines of t.
func (mw *mt940Writer) appendTx(b []byte, t *stmtTx) []byte {
	s := mw.s
	l := s.l
	day := l.cal.text[t.day]
	var p *payment
	if t.pay >= 0 {
		p = &l.payments[t.pay]
	}
	direct := p != nil && (p.ref == refDebit || p.ref == refStorno)
	b = append(b, ":61:"...)
	b = appendYYMMDD(b, day)
	b = append(b, day[5:7]...)
	b = append(b, day[8:10]...)
	switch {
	case t.kind == kindReturn:
		b = append(b, "RC"...) // a collected credit, reversed
	case t.cents < 0:
		b = append(b, 'D')
	default:
		b = append(b, 'C')
	}
	b = appendCommaCents(b, abs(t.cents))
	switch {
	case t.kind == kindReturn:
		b = append(b, "NRTI"...)
	case direct:
		b = append(b, "NDDT"...)
	case t.kind == kindOutgoing && s.out[t.out].code == outCosts:
		b = append(b, "NCHG"...)
	default:
		b = append(b, "NTRF"...)
	}
	if direct {
		b = l.appendEndToEndID(b, p.inv)
	} else {
		b = append(b, "NONREF"...)
	}
	b = append(b, "//"...)
	b = s.appendBankRef(b, 1, t)
	b = append(b, '\n')

	cp := s.counterparty(t)
	d := mw.details[:0]
	switch {
	case t.kind == kindReturn:
		d = append(d, "/RTRN/"...)
		d = append(d, stornoReasons[p.n]...)
		d = append(d, "/TRTP/SEPA Incasso storno"...)
	case direct:
		d = append(d, "/TRTP/SEPA Incasso algemeen doorlopend"...)
	case t.kind == kindOutgoing && cp.iban == "":
		d = append(d, "/TRTP/KOSTEN"...)
	default:
		d = append(d, "/TRTP/SEPA OVERBOEKING"...)
	}
	if direct {
		d = append(d, "/CSID/"...)
		d = append(d, s.creditorID...)
	} else if cp.iban != "" {
		d = appendIBANAndBIC(d, cp.iban)
	}
	d = append(d, "/NAME/"...)
	d = appendSwift(d, cp.name)
	if direct {
		d = appendMandateID(append(d, "/MARF/"...), p.cust)
	}
	if t.kind == kindOutgoing || t.rem != remNone {
		mw.text = s.appendRemittance(mw.text[:0], t)
		switch t.rem {
		case remKenmerk:
			d = append(d, "/REMI/STRD/CUR/"...)
			d = append(d, mw.text...)
		case remRF:
			d = append(d, "/REMI/STRD/ISO/"...)
			d = append(d, mw.text...)
		default:
			d = append(d, "/REMI/USTD//"...)
			d = appendSwift(d, string(truncText(mw.text, maxUstrd)))
		}
		d = append(d, '/')
	}
	if direct {
		d = appendIBANAndBIC(d, cp.iban)
		d = l.appendEndToEndID(append(d, "/EREF/"...), p.inv)
	} else if t.kind != kindOutgoing || cp.iban != "" {
		d = append(d, "/EREF/NOTPROVIDED"...)
	}
	mw.details = d
	return appendWrapped(b, ":86:", d, mt940Width)
}

// appendIBANAndBIC appends /IBAN/ and, for a Dutch account, /BIC/.
func appendIBANAndBIC(b []byte, iban string) []byte {
	b = append(append(b, "/IBAN/"...), iban...)
	if bic, ok := bicsNL[iban[4:8]]; ok && iban[:2] == "NL" {
		b = append(append(b, "/BIC/"...), bic...)
	}
	return b
}

// appendWrapped appends tag and v in lines of at most width bytes. A line
// never ends in a space (readers trim it), and the next one never starts
// with what would read as a new field or the end of the message.
func appendWrapped(b []byte, tag string, v []byte, width int) []byte {
	b = append(b, tag...)
	room := width - len(tag)
	badCut := func(cut int) bool {
		if v[cut-1] == ' ' || v[cut] == ':' || v[cut] == '{' {
			return true
		}
		i := cut
		for i < len(v) && v[i] == ' ' {
			i++
		}
		return i < len(v) && v[i] == '-'
	}
	for len(v) > room {
		cut := room
		for cut > 1 && badCut(cut) {
			cut--
		}
		b = append(append(b, v[:cut]...), '\n')
		v = v[cut:]
		room = width
	}
	return append(append(b, v...), '\n')
}

// appendSwift appends s in the SWIFT character set: accented letters lose
// their accents, as Dutch banks write them, other characters become '.'.
func appendSwift(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			b = append(b, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch r {
		case 'ä', 'á', 'à', 'â':
			b = append(b, 'a')
		case 'ö', 'ó', 'ò', 'ô':
			b = append(b, 'o')
		case 'ü', 'ú', 'ù', 'û':
			b = append(b, 'u')
		case 'é', 'è', 'ë', 'ê':
			b = append(b, 'e')
		case 'ï', 'í':
			b = append(b, 'i')
		case 'Ä':
			b = append(b, 'A')
		case 'Ö':
			b = append(b, 'O')
		case 'Ü':
			b = append(b, 'U')
		case 'É':
			b = append(b, 'E')
		case 'ß':
			b = append(b, "ss"...)
		default:
			b = append(b, '.')
		}
	}
	return b
}
