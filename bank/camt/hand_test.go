package camt

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/creditflow/creditflow"
)

// handDoc writes a small camt.053 in version v (2 or 8) with a credit paid
// with a betalingskenmerk, a batch of three transactions, a returned direct
// debit (MD06) and a batch entry without details.
func handDoc(v int) string {
	ns := fmt.Sprintf("urn:iso:std:iso:20022:tech:xsd:camt.053.001.%02d", v)
	sts := "<Sts>BOOK</Sts>"
	party := func(who, name string) string { return "<" + who + "><Nm>" + name + "</Nm></" + who + ">" }
	txAmt := func(a string) string {
		return `<AmtDtls><TxAmt><Amt Ccy="EUR">` + a + `</Amt></TxAmt></AmtDtls>`
	}
	bookg := "<BookgDt><Dt>2026-03-02</Dt></BookgDt>"
	if v >= 8 {
		sts = "<Sts><Cd>BOOK</Cd></Sts>"
		party = func(who, name string) string { return "<" + who + "><Pty><Nm>" + name + "</Nm></Pty></" + who + ">" }
		txAmt = func(a string) string { return `<Amt Ccy="EUR">` + a + `</Amt>` }
		bookg = "<BookgDt><DtTm>2026-03-02T09:30:00+01:00</DtTm></BookgDt>"
	}
	acct := func(who, iban string) string { return "<" + who + "><Id><IBAN>" + iban + "</IBAN></Id></" + who + ">" }
	batchTx := func(i int, amount, name, iban string) string {
		return `<TxDtls><Refs><EndToEndId>E2E-B` + fmt.Sprint(i) + `</EndToEndId></Refs>` + txAmt(amount) +
			`<RltdPties>` + party("Dbtr", name) + acct("DbtrAcct", iban) + `</RltdPties>` +
			`<RmtInf><Ustrd>Factuur 2026-00` + fmt.Sprint(i) + `</Ustrd></RmtInf></TxDtls>`
	}
	return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="` + ns + `" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<BkToCstmrStmt>
<GrpHdr><MsgId>MSG1</MsgId><CreDtTm>2026-03-02T18:00:00</CreDtTm></GrpHdr>
<Stmt>
<Id>STMT-2026-03-02</Id>
<Acct><Id><IBAN>NL02RABO0123456789</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Ntry>
<Amt Ccy="EUR">1234.56</Amt><CdtDbtInd>CRDT</CdtDbtInd><RvslInd>false</RvslInd>` + sts + bookg + `
<ValDt><Dt>2026-03-03</Dt></ValDt><AcctSvcrRef>REF-CREDIT-1</AcctSvcrRef>
<NtryDtls><TxDtls>
<Refs><EndToEndId>E2E-1</EndToEndId><TxId>TX-1</TxId></Refs>` + txAmt("1234.56") + `
<RltdPties>` + party("Dbtr", "Bakkerij De Vries BV") + acct("DbtrAcct", "NL91ABNA0417164300") + party("Cdtr", "CreditFlow BV") + acct("CdtrAcct", "NL02RABO0123456789") + `</RltdPties>
<RmtInf><Ustrd>Betaling</Ustrd><Ustrd>factuur 2026-0042</Ustrd><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>CUR</Issr></Tp><Ref>1234567890123456</Ref></CdtrRefInf></Strd></RmtInf>
</TxDtls></NtryDtls>
</Ntry>
<Ntry>
<Amt Ccy="EUR">300.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>` + sts + `<BookgDt><Dt>2026-03-02</Dt></BookgDt><ValDt><Dt>2026-03-02</Dt></ValDt>
<AcctSvcrRef>REF-BATCH-1</AcctSvcrRef>
<NtryDtls><Btch><NbOfTxs>3</NbOfTxs></Btch>` +
		batchTx(1, "100.00", "Klant Een", "NL11INGB0001234567") +
		batchTx(2, "150.00", "Klant Twee", "NL22INGB0001234567") +
		batchTx(3, "50", "Klant Drie", "NL33INGB0001234567") + `</NtryDtls>
</Ntry>
<Ntry>
<Amt Ccy="EUR">89.95</Amt><CdtDbtInd>DBIT</CdtDbtInd><RvslInd>true</RvslInd>` + sts + `<BookgDt><Dt>2026-03-04</Dt></BookgDt><ValDt><Dt>2026-03-04</Dt></ValDt>
<NtryDtls><TxDtls>
<Refs><EndToEndId>INC-2026-0007</EndToEndId></Refs>` + txAmt("89.95") + `
<RltdPties>` + party("Dbtr", "J. Jansen") + acct("DbtrAcct", "NL44ASNB0987654321") + party("Cdtr", "CreditFlow BV") + acct("CdtrAcct", "NL02RABO0123456789") + `</RltdPties>
<RtrInf><Rsn><Cd>MD06</Cd></Rsn></RtrInf>
</TxDtls></NtryDtls>
</Ntry>
<Ntry>
<NtryRef>SEPA-DD-BATCH-9</NtryRef>
<Amt Ccy="EUR">1200.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>` + sts + `<BookgDt><Dt>2026-03-05</Dt></BookgDt><ValDt><Dt>2026-03-05</Dt></ValDt>
<NtryDtls><Btch><PmtInfId>DD-9</PmtInfId><NbOfTxs>12</NbOfTxs></Btch></NtryDtls>
<AddtlNtryInf>SEPA incasso batch DD-9</AddtlNtryInf>
</Ntry>
</Stmt>
</BkToCstmrStmt>
</Document>
`
}

func TestParseHandWritten(t *testing.T) {
	for _, v := range []int{2, 8} {
		version := fmt.Sprintf("camt.053.001.%02d", v)
		t.Run(version, func(t *testing.T) {
			st, err := Parse(strings.NewReader(handDoc(v)), version+".xml")
			if err != nil {
				t.Fatal(err)
			}
			if st.Kind != "camt.053" || st.Version != version || st.Account != "NL02RABO0123456789" ||
				st.Currency != "EUR" || st.ID != "STMT-2026-03-02" || st.Statements != 1 {
				t.Errorf("statement header = %+v", st)
			}
			txs := st.Transactions
			if len(txs) != 6 {
				t.Fatalf("%d transactions, want 6: %+v", len(txs), txs)
			}
			d := func(s string) creditflow.Date {
				x, err := creditflow.ParseDate(s)
				if err != nil {
					t.Fatal(err)
				}
				return x
			}

			credit := creditflow.BankTransaction{
				ID: "REF-CREDIT-1", Account: "NL02RABO0123456789",
				BookingDate: d("2026-03-02"), ValueDate: d("2026-03-03"),
				Amount: 123456, Currency: "EUR",
				CounterName: "Bakkerij De Vries BV", CounterIBAN: "NL91ABNA0417164300",
				EndToEndID: "E2E-1", StructuredRef: "1234567890123456",
				RemittanceText: "Betaling factuur 2026-0042", BatchCount: 1,
			}
			if txs[0] != credit {
				t.Errorf("credit:\n got %+v\nwant %+v", txs[0], credit)
			}

			batch := []struct {
				id     string
				amount creditflow.Money
				name   string
			}{
				{"REF-BATCH-1/1", 10000, "Klant Een"},
				{"REF-BATCH-1/2", 15000, "Klant Twee"},
				{"REF-BATCH-1/3", 5000, "Klant Drie"},
			}
			for i, want := range batch {
				got := txs[1+i]
				if got.ID != want.id || got.Amount != want.amount || got.CounterName != want.name ||
					got.BatchCount != 1 || got.RemittanceText != fmt.Sprintf("Factuur 2026-00%d", i+1) {
					t.Errorf("batch tx %d = %+v, want %+v", i+1, got, want)
				}
			}

			ret := txs[4]
			if !ret.Reversal || ret.Amount != -8995 || ret.ReturnReason != "MD06" ||
				ret.CounterName != "J. Jansen" || ret.CounterIBAN != "NL44ASNB0987654321" ||
				ret.EndToEndID != "INC-2026-0007" || !strings.HasPrefix(ret.ID, "h:") {
				t.Errorf("returned direct debit = %+v", ret)
			}

			lump := txs[5]
			if lump.ID != "SEPA-DD-BATCH-9" || lump.BatchCount != 12 || lump.Amount != 120000 ||
				lump.RemittanceText != "SEPA incasso batch DD-9" {
				t.Errorf("batch without details = %+v", lump)
			}

			// The hash ID is stable across parses.
			again, err := Parse(strings.NewReader(handDoc(v)), version+".xml")
			if err != nil {
				t.Fatal(err)
			}
			if again.Transactions[4].ID != ret.ID {
				t.Errorf("hash ID not stable: %s, %s", again.Transactions[4].ID, ret.ID)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	valid := handDoc(2)
	tests := []struct {
		name    string
		doc     string
		invalid bool     // wraps creditflow.ErrInvalid
		want    []string // substrings of the message
	}{
		{"not camt", `<?xml version="1.0"?><html><body/></html>`, true, []string{"bad.xml", "<html>"}},
		{"pain.001", `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"><CstmrCdtTrfInitn/></Document>`, true, []string{"bad.xml", "pain.001"}},
		{"camt.056", `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.056.001.01"><FIToFIPmtCxlReq/></Document>`, true, []string{"bad.xml", "camt.056"}},
		{"wrong message", `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrDbtCdtNtfctn/></Document>`, true, []string{"BkToCstmrDbtCdtNtfctn"}},
		{"empty", ``, true, []string{"bad.xml", "empty"}},
		{"malformed", strings.Replace(valid, "<Id>STMT-2026-03-02</Id>", "<Id>STMT</Idx>", 1), true, []string{"bad.xml", "line 6", "malformed XML"}},
		{"truncated", valid[:len(valid)/2], true, []string{"bad.xml", "line ", "malformed XML"}},
		{"three decimals EUR", strings.Replace(valid, `<Amt Ccy="EUR">89.95</Amt>`, `<Amt Ccy="EUR">89.955</Amt>`, 1), true, []string{"entry 3", "89.955", "more than 2 decimals"}},
		{"bad indicator", strings.Replace(valid, `<CdtDbtInd>DBIT</CdtDbtInd>`, `<CdtDbtInd>DEBIT</CdtDbtInd>`, 1), true, []string{"entry 3", "CdtDbtInd"}},
		{"bad date", strings.Replace(valid, `<Dt>2026-03-05</Dt>`, `<Dt>05-03-2026</Dt>`, 1), true, []string{"entry 4 (SEPA-DD-BATCH-9)", "BookgDt"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.doc), "bad.xml")
			if err == nil {
				t.Fatal("no error")
			}
			t.Log(err)
			if tt.invalid != errors.Is(err, creditflow.ErrInvalid) {
				t.Errorf("errors.Is(ErrInvalid) = %v: %v", !tt.invalid, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

// FuzzParse checks that no input makes Parse panic.
func FuzzParse(f *testing.F) {
	f.Add([]byte(handDoc(2)))
	f.Add([]byte(handDoc(8)))
	if files, err := filepath.Glob(filepath.Join(fixtureDir, "*.xml")); err == nil {
		for _, path := range files {
			if b, err := os.ReadFile(path); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := Parse(bytes.NewReader(b), "fuzz.xml")
		if err != nil {
			return
		}
		for _, tx := range st.Transactions {
			if tx.ID == "" {
				t.Errorf("transaction without ID: %+v", tx)
			}
		}
	})
}

// benchDoc writes a camt.053.001.08 statement of n entries.
func benchDoc(n int) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>
<GrpHdr><MsgId>BENCH</MsgId><CreDtTm>2026-03-02T18:00:00</CreDtTm></GrpHdr>
<Stmt><Id>BENCH-1</Id><Acct><Id><IBAN>NL02RABO0123456789</IBAN></Id><Ccy>EUR</Ccy></Acct>
`)
	for i := 0; i < n; i++ {
		ind, who := "CRDT", "Dbtr"
		if i%5 == 4 {
			ind, who = "DBIT", "Cdtr"
		}
		fmt.Fprintf(&b, `<Ntry><Amt Ccy="EUR">%d.%02d</Amt><CdtDbtInd>%s</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
<BookgDt><Dt>2026-03-%02d</Dt></BookgDt><ValDt><Dt>2026-03-%02d</Dt></ValDt><AcctSvcrRef>ACSR%08d</AcctSvcrRef>
<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
<NtryDtls><TxDtls><Refs><EndToEndId>E2E%08d</EndToEndId></Refs><Amt Ccy="EUR">%d.%02d</Amt>
<RltdPties><%s><Pty><Nm>Klant %d BV</Nm></Pty></%s><%sAcct><Id><IBAN>NL%02dINGB%010d</IBAN></Id></%sAcct></RltdPties>
<RmtInf><Ustrd>Factuur %d</Ustrd><Strd><CdtrRefInf><Ref>%016d</Ref></CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry>
`, i%9000+1, i%100, ind, i%28+1, i%28+1, i, i, i%9000+1, i%100, who, i, who, who, i%100, i, who, i, i)
	}
	b.WriteString("</Stmt></BkToCstmrStmt></Document>\n")
	return []byte(b.String())
}

func BenchmarkParse(b *testing.B) {
	doc := benchDoc(10000)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		st, err := Parse(bytes.NewReader(doc), "bench.xml")
		if err != nil {
			b.Fatal(err)
		}
		if len(st.Transactions) != 10000 {
			b.Fatalf("%d transactions", len(st.Transactions))
		}
	}
}

func TestParseWithoutNamespace(t *testing.T) {
	doc := strings.NewReplacer(` xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"`, "").Replace(handDoc(2))
	st, err := Parse(strings.NewReader(doc), "plain.xml")
	if err != nil {
		t.Fatal(err)
	}
	if st.Kind != "camt.053" || st.Version != "" || len(st.Transactions) != 6 {
		t.Errorf("kind %q version %q, %d transactions", st.Kind, st.Version, len(st.Transactions))
	}
}
