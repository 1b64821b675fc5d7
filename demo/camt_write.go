package demo

import (
	"context"
	"strconv"

	"github.com/creditflow/creditflow"
)

// camtWriter writes one month of account A as a camt.053.001.02 statement.
type camtWriter struct {
	statementMonth
	text []byte // scratch for remittance text
}

// camtNamespace is the namespace of the camt.053 version written.
const camtNamespace = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"

func (cw *camtWriter) write(ctx context.Context, w *csvWriter) error {
	s := cw.s
	cal := s.l.cal
	txs, first, last := cw.span()
	created := cal.text[last+1]

	// Entry totals for the summary: a batch entry counts once.
	var nCdt, nDbt int
	var sumCdt, sumDbt int64
	for i := range txs {
		t := &txs[i]
		if t.cents > 0 {
			sumCdt += t.cents
			if t.sub <= 1 {
				nCdt++
			}
		} else {
			sumDbt -= t.cents
			nDbt++
		}
	}

	b := append(w.line, `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="`+camtNamespace+`" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <BkToCstmrStmt>
    <GrpHdr>
      <MsgId>CF053`...)
	b = s.appendMonthID(b, cw.month)
	b = append(b, "</MsgId>\n      <CreDtTm>"...)
	b = append(append(b, created[:]...), "T06:00:00</CreDtTm>\n    </GrpHdr>\n    <Stmt>\n      <Id>"...)
	b = s.appendMonthID(b, cw.month)
	b = append(b, "</Id>\n      <ElctrncSeqNb>"...)
	b = strconv.AppendInt(b, int64(cw.month)+1, 10)
	b = append(b, "</ElctrncSeqNb>\n      <CreDtTm>"...)
	b = append(append(b, created[:]...), "T06:00:00</CreDtTm>\n      <FrToDt>\n        <FrDtTm>"...)
	b = append(append(b, cal.text[first][:]...), "T00:00:00</FrDtTm>\n        <ToDtTm>"...)
	b = append(append(b, cal.text[last][:]...), "T23:59:59</ToDtTm>\n      </FrToDt>\n      <Acct>\n        <Id>\n          <IBAN>"...)
	b = append(b, s.acct[0].iban...)
	b = append(b, "</IBAN>\n        </Id>\n        <Ccy>EUR</Ccy>\n        <Svcr>\n          <FinInstnId>\n            <BIC>"...)
	b = append(b, s.acct[0].bic...)
	b = append(b, "</BIC>\n          </FinInstnId>\n        </Svcr>\n      </Acct>\n"...)
	b = appendCamtBalance(b, "OPBD", cw.opening, cal.text[first])
	b = appendCamtBalance(b, "CLBD", cw.closing, cal.text[last])
	b = append(b, "      <TxsSummry>\n        <TtlNtries>\n          <NbOfNtries>"...)
	b = strconv.AppendInt(b, int64(nCdt+nDbt), 10)
	b = append(b, "</NbOfNtries>\n        </TtlNtries>\n        <TtlCdtNtries>\n          <NbOfNtries>"...)
	b = strconv.AppendInt(b, int64(nCdt), 10)
	b = append(b, "</NbOfNtries>\n          <Sum>"...)
	b = creditflow.Money(sumCdt).AppendText(b)
	b = append(b, "</Sum>\n        </TtlCdtNtries>\n        <TtlDbtNtries>\n          <NbOfNtries>"...)
	b = strconv.AppendInt(b, int64(nDbt), 10)
	b = append(b, "</NbOfNtries>\n          <Sum>"...)
	b = creditflow.Money(sumDbt).AppendText(b)
	b = append(b, "</Sum>\n        </TtlDbtNtries>\n      </TxsSummry>\n"...)
	if _, err := w.w.Write(b); err != nil {
		return err
	}
	w.line = b[:0]

	for i := 0; i < len(txs); {
		if err := cancelled(ctx, i); err != nil {
			return err
		}
		j := i + 1
		for j < len(txs) && txs[j].entry == txs[i].entry {
			j++
		}
		b := cw.appendEntry(w.line, txs[i:j])
		if _, err := w.w.Write(b); err != nil {
			return err
		}
		w.line = b[:0]
		i = j
	}
	_, err := w.w.WriteString("    </Stmt>\n  </BkToCstmrStmt>\n</Document>\n")
	return err
}

// appendMonthID appends "YYYYMM" of month m of the period.
func (s *statements) appendMonthID(b []byte, m int) []byte {
	d := s.l.cal.text[s.months[m]]
	return append(append(b, d[0:4]...), d[5:7]...)
}

// appendCamtBalance appends a Bal element of type code.
func appendCamtBalance(b []byte, code string, cents int64, day [10]byte) []byte {
	b = append(b, "      <Bal>\n        <Tp>\n          <CdOrPrtry>\n            <Cd>"...)
	b = append(b, code...)
	b = append(b, "</Cd>\n          </CdOrPrtry>\n        </Tp>\n        <Amt Ccy=\"EUR\">"...)
	b = creditflow.Money(abs(cents)).AppendText(b)
	b = append(b, "</Amt>\n        <CdtDbtInd>"...)
	b = append(b, cdtDbt(cents)...)
	b = append(b, "</CdtDbtInd>\n        <Dt>\n          <Dt>"...)
	b = append(b, day[:]...)
	return append(b, "</Dt>\n        </Dt>\n      </Bal>\n"...)
}

func abs(c int64) int64 {
	if c < 0 {
		return -c
	}
	return c
}

func cdtDbt(cents int64) string {
	if cents < 0 {
		return "DBIT"
	}
	return "CRDT"
}

// Bank transaction codes (domain, family, sub-family) of the entries.
var camtCodes = [...][3]string{
	{"PMNT", "RCDT", "ESCT"}, // received credit transfer
	{"PMNT", "RDDT", "ESDD"}, // our direct debit collected
	{"PMNT", "RDDT", "UPDD"}, // our direct debit returned
	{"PMNT", "ICDT", "ESCT"}, // credit transfer sent
	{"ACMT", "MDOP", "CHRG"}, // bank charges
}

// appendEntry appends one Ntry holding txs: one transaction, or a day's
// direct debit collections as a batch whose details each carry an amount,
// so that the parser splits it.
func (cw *camtWriter) appendEntry(b []byte, txs []stmtTx) []byte {
	s := cw.s
	t0 := &txs[0]
	day := s.l.cal.text[t0.day]
	var total int64
	for i := range txs {
		total += txs[i].cents
	}
	code := 0
	switch {
	case t0.kind == kindReturn:
		code = 2
	case t0.class == classCollection:
		code = 1
	case t0.kind == kindOutgoing && s.out[t0.out].code == outCosts:
		code = 4
	case t0.kind == kindOutgoing:
		code = 3
	}
	b = append(b, "      <Ntry>\n        <Amt Ccy=\"EUR\">"...)
	b = creditflow.Money(abs(total)).AppendText(b)
	b = append(b, "</Amt>\n        <CdtDbtInd>"...)
	b = append(b, cdtDbt(total)...)
	b = append(b, "</CdtDbtInd>\n"...)
	if t0.kind == kindReturn {
		b = append(b, "        <RvslInd>true</RvslInd>\n"...)
	}
	b = append(b, "        <Sts>BOOK</Sts>\n        <BookgDt>\n          <Dt>"...)
	b = append(b, day[:]...)
	b = append(b, "</Dt>\n        </BookgDt>\n        <ValDt>\n          <Dt>"...)
	b = append(b, day[:]...)
	b = append(b, "</Dt>\n        </ValDt>\n        <AcctSvcrRef>"...)
	b = s.appendBankRef(b, 0, t0)
	b = append(b, "</AcctSvcrRef>\n        <BkTxCd>\n          <Domn>\n            <Cd>"...)
	b = append(b, camtCodes[code][0]...)
	b = append(b, "</Cd>\n            <Fmly>\n              <Cd>"...)
	b = append(b, camtCodes[code][1]...)
	b = append(b, "</Cd>\n              <SubFmlyCd>"...)
	b = append(b, camtCodes[code][2]...)
	b = append(b, "</SubFmlyCd>\n            </Fmly>\n          </Domn>\n        </BkTxCd>\n        <NtryDtls>\n"...)
	if len(txs) > 1 {
		b = append(b, "          <Btch>\n            <NbOfTxs>"...)
		b = strconv.AppendInt(b, int64(len(txs)), 10)
		b = append(b, "</NbOfTxs>\n            <TtlAmt Ccy=\"EUR\">"...)
		b = creditflow.Money(abs(total)).AppendText(b)
		b = append(b, "</TtlAmt>\n            <CdtDbtInd>"...)
		b = append(b, cdtDbt(total)...)
		b = append(b, "</CdtDbtInd>\n          </Btch>\n"...)
	}
	for i := range txs {
		b = cw.appendTxDtls(b, &txs[i])
	}
	return append(b, "        </NtryDtls>\n      </Ntry>\n"...)
}

// appendTxDtls appends the details of one transaction.
func (cw *camtWriter) appendTxDtls(b []byte, t *stmtTx) []byte {
	s := cw.s
	l := s.l
	var p *payment
	if t.pay >= 0 {
		p = &l.payments[t.pay]
	}
	b = append(b, "          <TxDtls>\n            <Refs>\n              <EndToEndId>"...)
	direct := p != nil && (p.ref == refDebit || p.ref == refStorno)
	if direct {
		b = l.appendEndToEndID(b, p.inv)
		b = append(b, "</EndToEndId>\n              <MndtId>"...)
		b = appendMandateID(b, p.cust)
		b = append(b, "</MndtId>\n"...)
	} else {
		b = append(b, "NOTPROVIDED</EndToEndId>\n"...)
	}
	b = append(b, "            </Refs>\n            <AmtDtls>\n              <TxAmt>\n                <Amt Ccy=\"EUR\">"...)
	b = creditflow.Money(abs(t.cents)).AppendText(b)
	b = append(b, "</Amt>\n              </TxAmt>\n            </AmtDtls>\n            <RltdPties>\n"...)
	who, whoAcct := "Dbtr", "DbtrAcct"
	if t.kind == kindOutgoing {
		who, whoAcct = "Cdtr", "CdtrAcct"
	}
	cp := s.counterparty(t)
	b = append(append(append(b, "              <"...), who...), ">\n                <Nm>"...)
	b = appendXML(b, cp.name)
	b = append(append(append(b, "</Nm>\n              </"...), who...), ">\n"...)
	if cp.iban != "" {
		b = append(append(append(b, "              <"...), whoAcct...), ">\n                <Id>\n                  <IBAN>"...)
		b = append(b, cp.iban...)
		b = append(append(append(b, "</IBAN>\n                </Id>\n              </"...), whoAcct...), ">\n"...)
	}
	if direct {
		b = append(b, "              <Cdtr>\n                <Nm>Creditflow Demo B.V.</Nm>\n              </Cdtr>\n"...)
	}
	b = append(b, "            </RltdPties>\n"...)
	if t.rem != remNone {
		cw.text = s.appendRemittance(cw.text[:0], t)
		b = append(b, "            <RmtInf>\n"...)
		switch t.rem {
		case remKenmerk, remRF:
			issuer := "CUR"
			if t.rem == remRF {
				issuer = "ISO"
			}
			b = append(b, "              <Strd>\n                <CdtrRefInf>\n                  <Tp>\n                    <CdOrPrtry>\n                      <Cd>SCOR</Cd>\n                    </CdOrPrtry>\n                    <Issr>"...)
			b = append(b, issuer...)
			b = append(b, "</Issr>\n                  </Tp>\n                  <Ref>"...)
			b = append(b, cw.text...)
			b = append(b, "</Ref>\n                </CdtrRefInf>\n              </Strd>\n"...)
		default:
			b = append(b, "              <Ustrd>"...)
			b = appendXML(b, truncText(cw.text, maxUstrd))
			b = append(b, "</Ustrd>\n"...)
		}
		b = append(b, "            </RmtInf>\n"...)
	}
	if t.kind == kindReturn {
		b = append(b, "            <RtrInf>\n              <Rsn>\n                <Cd>"...)
		b = append(b, stornoReasons[p.n]...)
		b = append(b, "</Cd>\n              </Rsn>\n            </RtrInf>\n"...)
	}
	return append(b, "          </TxDtls>\n"...)
}

// maxUstrd is the SEPA limit of unstructured remittance text.
const maxUstrd = 140

// truncText cuts b to at most n bytes without splitting a character.
func truncText(b []byte, n int) []byte {
	if len(b) <= n {
		return b
	}
	for n > 0 && b[n]&0xC0 == 0x80 {
		n--
	}
	return b[:n]
}

// appendXML appends s escaped as XML character data.
func appendXML[T string | []byte](b []byte, s T) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			b = append(b, "&amp;"...)
		case '<':
			b = append(b, "&lt;"...)
		case '>':
			b = append(b, "&gt;"...)
		case '"':
			b = append(b, "&quot;"...)
		case '\'':
			b = append(b, "&apos;"...)
		default:
			b = append(b, c)
		}
	}
	return b
}
