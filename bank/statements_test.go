package bank

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/bank/match"
	"github.com/creditflow/creditflow/ingest"
	"github.com/creditflow/creditflow/ingest/ingesttest"
	"github.com/creditflow/creditflow/risk"
	"github.com/creditflow/creditflow/store"
	"github.com/creditflow/creditflow/store/storetest"
)

// The bank statement tests use a small ledger of three customers, a
// camt.053 statement of our Rabobank account and an MT940 statement of our
// ING account.

const bankCustomersCSV = `
customer_id,name,kind,payment_terms_days
C1,Bakkerij de Vries B.V.,b2b,30
C2,Jan Jansen,b2c,14
C3,Fietsen Smit VOF,b2b,30
`

const bankInvoicesCSV = `
invoice_id,customer_id,invoice_date,amount
INV-2025-000001,C1,2025-01-05,100.00
INV-2025-000002,C1,2025-01-10,250.00
INV-2025-000003,C1,2025-01-15,75.50
INV-2025-000004,C2,2025-01-07,40.25
INV-2025-000005,C2,2025-01-20,60.00
INV-2025-000006,C3,2025-01-12,500.00
`

var (
	ourRabo   = match.IBAN("NL", "RABO0300000001")
	ourING    = match.IBAN("NL", "INGB0000000002")
	deVries   = match.IBAN("NL", "ABNA0417164300")
	jansen    = match.IBAN("NL", "SNSB0911111111")
	stranger  = match.IBAN("NL", "TRIO0222222222")
	smitFirst = match.IBAN("NL", "KNAB0333333333")
)

// camtEntry is one Ntry of a hand-made camt.053.
type camtEntry struct {
	ref, date, amount, ind string
	reversal               bool
	e2e, name, iban        string
	strd, ustrd, reason    string
}

func (e camtEntry) xml() string {
	party := "Dbtr"
	if e.ind == "DBIT" && !e.reversal {
		party = "Cdtr"
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<Ntry><Amt Ccy="EUR">%s</Amt><CdtDbtInd>%s</CdtDbtInd>`, e.amount, e.ind)
	if e.reversal {
		b.WriteString(`<RvslInd>true</RvslInd>`)
	}
	fmt.Fprintf(&b, `<Sts>BOOK</Sts><BookgDt><Dt>%s</Dt></BookgDt><ValDt><Dt>%s</Dt></ValDt><AcctSvcrRef>%s</AcctSvcrRef>`, e.date, e.date, e.ref)
	b.WriteString(`<NtryDtls><TxDtls>`)
	if e.e2e != "" {
		fmt.Fprintf(&b, `<Refs><EndToEndId>%s</EndToEndId></Refs>`, e.e2e)
	}
	fmt.Fprintf(&b, `<RltdPties><%s><Nm>%s</Nm></%s><%sAcct><Id><IBAN>%s</IBAN></Id></%sAcct></RltdPties>`, party, e.name, party, party, e.iban, party)
	if e.strd != "" || e.ustrd != "" {
		b.WriteString(`<RmtInf>`)
		if e.ustrd != "" {
			fmt.Fprintf(&b, `<Ustrd>%s</Ustrd>`, e.ustrd)
		}
		if e.strd != "" {
			fmt.Fprintf(&b, `<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>CUR</Issr></Tp><Ref>%s</Ref></CdtrRefInf></Strd>`, e.strd)
		}
		b.WriteString(`</RmtInf>`)
	}
	if e.reason != "" {
		fmt.Fprintf(&b, `<RtrInf><Rsn><Cd>%s</Cd></Rsn></RtrInf>`, e.reason)
	}
	b.WriteString(`</TxDtls></NtryDtls></Ntry>`)
	return b.String()
}

func camtStatement(id string, entries ...camtEntry) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>` + id + `</MsgId><CreDtTm>2025-02-07T10:00:00</CreDtTm></GrpHdr>
<Stmt><Id>` + id + `</Id><CreDtTm>2025-02-07T10:00:00</CreDtTm><Acct><Id><IBAN>` + ourRabo + `</IBAN></Id><Ccy>EUR</Ccy></Acct>
`)
	for _, e := range entries {
		b.WriteString(e.xml())
		b.WriteString("\n")
	}
	b.WriteString(`</Stmt></BkToCstmrStmt></Document>
`)
	return b.String()
}

var februaryEntries = []camtEntry{
	{ref: "E1", date: "2025-02-01", amount: "100.00", ind: "CRDT", e2e: "E2E-1", name: "Bakkerij de Vries", iban: deVries,
		strd: match.Betalingskenmerk("2025000001")},
	{ref: "E2", date: "2025-02-02", amount: "250.00", ind: "CRDT", name: "BAKKERIJ DE VRIES BV", iban: deVries, ustrd: "factuur INV-2025-000002"},
	{ref: "E3", date: "2025-02-03", amount: "40.25", ind: "CRDT", name: "J. Jansen", iban: jansen},
	{ref: "E4", date: "2025-02-04", amount: "123.45", ind: "CRDT", name: "Onbekende Betaler", iban: stranger, ustrd: "bestelling &quot;77&quot;, spoed "},
	{ref: "E5", date: "2025-02-05", amount: "100.00", ind: "DBIT", reversal: true, e2e: "E2E-1", name: "Bakkerij de Vries", iban: deVries, reason: "MD06"},
	{ref: "E6", date: "2025-02-05", amount: "30.00", ind: "DBIT", name: "Leverancier Koffie BV", iban: stranger, ustrd: "inkoop"},
}

func mt940Statement() string {
	return strings.Join([]string{
		":20:ING-STMT-1",
		":25:" + ourING,
		":28C:1",
		":60F:C250205EUR1000,00",
		":61:2502060206C75,50NTRFNONREF//T1",
		":86:/TRTP/SEPA OVERBOEKING/IBAN/" + deVries + "/BIC/ABNANL2A/NAME/Bakkerij de Vries/REMI/USTD//zonder kenmerk/",
		":61:2502060206C500,00NTRFNONREF//T2",
		":86:/TRTP/SEPA OVERBOEKING/IBAN/" + smitFirst + "/BIC/KNABNL2H/NAME/Fietsen Smit/REMI/USTD//rekening januari/",
		":62F:C250206EUR1575,50",
		"",
	}, "\r\n")
}

// bankLedger loads the customers, invoices and known accounts.
func bankLedger(t *testing.T) *store.DB {
	t.Helper()
	db := storetest.MustOpen(t)
	mustIngest(t, db, ingest.Options{}, storetest.WriteFiles(t,
		"customers.csv", bankCustomersCSV,
		"invoices.csv", bankInvoicesCSV,
		"customer_accounts.csv", "customer_id,iban,name\nC2,"+strings.ToLower(jansen[:4])+" "+jansen[4:]+",J. Jansen\n")...)
	return db
}

func TestIngestBankStatements(t *testing.T) {
	db := bankLedger(t)
	paths := storetest.WriteFiles(t,
		"afschrift-februari.xml", camtStatement("S1", februaryEntries...),
		"MT940_ING.STA", mt940Statement())
	res := mustIngest(t, db, ingest.Options{}, paths...)
	s := res.Statements
	if s == nil {
		t.Fatal("no statement result")
	}
	if s.Transactions != 8 || s.Credits != 6 || s.Matched != 5 || s.Unmatched != 1 || s.Returned != 1 || s.Debits != 1 || s.Booked != 6 {
		t.Errorf("statement result = %+v", *s)
	}
	for _, f := range res.Files {
		if f.Kind != ingest.BankStatements {
			t.Errorf("file %s: kind %s, want bank_statements (recognised by content)", f.File, f.Kind)
		}
	}
	got := rows(t, db, `SELECT transaction_id, status, coalesce(customer_id, '-'), coalesce(invoice_ids, '-'), coalesce(rule, '-')
		FROM bank_transactions ORDER BY entry_no`)
	want := strings.Join([]string{
		"E1 matched C1 INV-2025-000001 structured_reference",
		"E2 matched C1 INV-2025-000002 invoice_in_text",
		"E3 matched C2 INV-2025-000004 iban_amount",
		"E4 unmatched - - -",
		"E5 returned C1 INV-2025-000001 returned_direct_debit",
		"E6 debit - - -",
		"T1 matched C1 INV-2025-000003 iban_amount",
		"T2 matched C3 INV-2025-000006 name_amount",
	}, "\n")
	if got != want {
		t.Errorf("bank transactions:\n%s\nwant:\n%s", got, want)
	}
	// The payment says how it was matched.
	if got := rows(t, db, `SELECT p.attributes->>'match_rule', p.attributes->>'match_confidence', p.attributes->>'bank_transaction' = CAST(b.entry_no AS VARCHAR)
		FROM payments p JOIN bank_transactions b ON b.payment_id = p.payment_id WHERE b.transaction_id = 'E1'`); got != "structured_reference 0.99 true" {
		t.Errorf("payment attributes of E1: %q", got)
	}
	// The return re-opened invoice 1; the others are paid.
	open := rows(t, db, `SELECT invoice_id, amount - coalesce((SELECT sum(a.amount) FROM payment_allocations a WHERE a.invoice_id = i.invoice_id), 0)
		FROM invoices i ORDER BY invoice_id`)
	wantOpen := "INV-2025-000001 100\nINV-2025-000002 0\nINV-2025-000003 0\nINV-2025-000004 0\nINV-2025-000005 60\nINV-2025-000006 0"
	if open != wantOpen {
		t.Errorf("open amounts:\n%s\nwant:\n%s", open, wantOpen)
	}
	// The confident matches taught the payers' IBANs; the IBAN of the input file is kept.
	if got := rows(t, db, `SELECT iban, customer_id, source FROM customer_accounts ORDER BY source, customer_id`); got !=
		fmt.Sprintf("%s C2 input\n%s C1 learned", jansen, deVries) {
		t.Errorf("customer accounts:\n%s", got)
	}
	st, err := risk.ComputeStats(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	if st.StatementCredits != 6 || st.Unmatched != 1 {
		t.Errorf("stats: statement_credits %d, unmatched %d; want 6 and 1", st.StatementCredits, st.Unmatched)
	}

	// The same file again is skipped; an overlapping statement books only
	// what is new.
	again := mustIngest(t, db, ingest.Options{}, paths[0])
	if !again.Files[0].Skipped {
		t.Errorf("identical statement not skipped: %+v", again.Files[0])
	}
	overlap := storetest.WriteFiles(t, "afschrift-feb-2.xml", camtStatement("S2", februaryEntries[3],
		camtEntry{ref: "E7", date: "2025-02-07", amount: "60.00", ind: "CRDT", name: "Jan Jansen", iban: jansen}))
	res = mustIngest(t, db, ingest.Options{}, overlap...)
	if s := res.Statements; s.Transactions != 2 || s.Duplicates != 1 || s.Matched != 1 || s.Unmatched != 0 {
		t.Errorf("overlapping statement: %+v", *s)
	}
	if got := rows(t, db, `SELECT count(*), count(DISTINCT transaction_id) FROM bank_transactions`); got != "9 9" {
		t.Errorf("transactions after the overlap: %s, want 9 9", got)
	}
}

func TestMatchByHand(t *testing.T) {
	db := bankLedger(t)
	mustIngest(t, db, ingest.Options{}, storetest.WriteFiles(t, "feb.xml", camtStatement("S1", februaryEntries[3]))...)
	ctx := context.Background()
	f, err := NewFinder(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	page, err := ListUnmatched(ctx, db, f, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Quotes, a comma and a trailing space survive the bulk load.
	if page.Total != 1 || len(page.Items) != 1 || page.Items[0].Amount != 12345 || page.Items[0].CounterIBAN != stranger ||
		page.Items[0].RemittanceText != `bestelling "77", spoed` {
		t.Fatalf("unmatched page = %+v", page)
	}
	id := page.Items[0].ID

	for _, tt := range []struct {
		mm   ManualMatch
		want error
		msg  string
	}{
		{ManualMatch{}, creditflow.ErrInvalid, "customer_id is required"},
		{ManualMatch{CustomerID: "C9"}, creditflow.ErrInvalid, `"C9": no such customer`},
		{ManualMatch{CustomerID: "C3", InvoiceIDs: []string{"INV-2025-000001"}}, creditflow.ErrInvalid, `belongs to customer "C1"`},
		{ManualMatch{CustomerID: "C3", InvoiceIDs: []string{"INV-X"}}, creditflow.ErrInvalid, "no such invoice"},
	} {
		_, err := MatchByHand(ctx, db, id, tt.mm, ingest.Options{Now: ingesttest.FixedNow})
		if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("MatchByHand(%+v) = %v, want %v containing %q", tt.mm, err, tt.want, tt.msg)
		}
	}
	if _, err := MatchByHand(ctx, db, 999, ManualMatch{CustomerID: "C3"}, ingest.Options{Now: ingesttest.FixedNow}); !errors.Is(err, creditflow.ErrNotFound) {
		t.Errorf("unknown id: %v, want ErrNotFound", err)
	}
	res, err := MatchByHand(ctx, db, id, ManualMatch{CustomerID: "C3", InvoiceIDs: []string{"INV-2025-000006"}}, ingest.Options{Now: ingesttest.FixedNow, Actor: "anna"})
	if err != nil {
		t.Fatal(err)
	}
	if res.PaymentID == "" || res.LearnedIBAN != stranger {
		t.Errorf("result = %+v", res)
	}
	if _, err := MatchByHand(ctx, db, id, ManualMatch{CustomerID: "C3"}, ingest.Options{Now: ingesttest.FixedNow}); !errors.Is(err, creditflow.ErrConflict) {
		t.Errorf("second match: %v, want ErrConflict", err)
	}
	if got := rows(t, db, `SELECT customer_id, invoice_id, amount, reference FROM payments`); got != `C3 INV-2025-000006 123.45 bestelling "77", spoed` {
		t.Errorf("payment = %q", got)
	}
	if got := rows(t, db, `SELECT status, rule, matched_by FROM bank_transactions`); got != "matched manual anna" {
		t.Errorf("transaction = %q", got)
	}
	// The IBAN is now known: the next payment from it for the rest of the
	// invoice is booked by itself.
	res2 := mustIngest(t, db, ingest.Options{}, storetest.WriteFiles(t, "mar.xml", camtStatement("S3",
		camtEntry{ref: "E9", date: "2025-03-01", amount: "376.55", ind: "CRDT", name: "Onbekende Betaler", iban: stranger}))...)
	if s := res2.Statements; s.Matched != 1 {
		t.Errorf("payment from the learned IBAN: %+v", *s)
	}
	if got := rows(t, db, `SELECT customer_id, rule FROM bank_transactions WHERE transaction_id = 'E9'`); got != "C3 iban_amount" {
		t.Errorf("E9 = %q", got)
	}
}

func TestBadStatementLeavesDatabaseAsItWas(t *testing.T) {
	db := bankLedger(t)
	before := ingesttest.LedgerDump(t, db)
	bad := strings.Replace(camtStatement("S1", februaryEntries...), `<Amt Ccy="EUR">250.00</Amt>`, `<Amt Ccy="EUR">25O.00</Amt>`, 1)
	paths := storetest.WriteFiles(t, "good.xml", camtStatement("S0", februaryEntries[0]), "bad.xml", bad)
	_, err := ingest.Files(context.Background(), db, paths, ingest.Options{Now: ingesttest.FixedNow, Statements: BookStatements})
	if err == nil || !errors.Is(err, creditflow.ErrInvalid) || !strings.Contains(err.Error(), "bad.xml") || !strings.Contains(err.Error(), "E2") {
		t.Fatalf("err = %v, want an error naming bad.xml and entry E2", err)
	}
	if after := ingesttest.LedgerDump(t, db); after != before {
		t.Errorf("database changed by a failed run")
	}
	if got := rows(t, db, `SELECT count(*) FROM bank_transactions`); got != "0" {
		t.Errorf("bank transactions after a failed run: %s", got)
	}
}

// rows is dump without the last newline.
func rows(tb testing.TB, db *store.DB, q string) string {
	return strings.TrimSuffix(ingesttest.Dump(tb, db, q), "\n")
}

// A candidate invoice settled since the import is left out of the queue's
// candidates; its customer stays, to book on account.
func TestCandidatesLeaveOutSettledInvoices(t *testing.T) {
	db := bankLedger(t)
	mustIngest(t, db, ingest.Options{}, storetest.WriteFiles(t, "payments.csv",
		"payment_id,customer_id,invoice_id,payment_date,amount\nP1,C2,INV-2025-000004,2025-02-10,40.25\n")...)
	items := []UnmatchedTransaction{{Candidates: []Candidate{{CustomerID: "C2", Invoices: []CandidateInvoice{
		{InvoiceID: "INV-2025-000004"}, {InvoiceID: "INV-2025-000005"}}}}}}
	if err := fillCandidates(context.Background(), db, items); err != nil {
		t.Fatal(err)
	}
	c := items[0].Candidates[0]
	if c.CustomerName != "Jan Jansen" || len(c.Invoices) != 1 || c.Invoices[0].InvoiceID != "INV-2025-000005" || c.Invoices[0].Open != 6000 {
		t.Errorf("candidate = %+v, want C2 Jan Jansen with only INV-2025-000005, 60.00 open", c)
	}
}

// recordedProgress adds up what an ingest reports.
type recordedProgress struct{ total, done int64 }

func (p *recordedProgress) Start(total int64)         { p.total = total }
func (p *recordedProgress) Advance(n int64, _ string) { p.done += n }
func (p *recordedProgress) Done()                     {}

// The progress bar reaches its end exactly, with canonical files and
// statements in one run.
func TestProgressAddsUp(t *testing.T) {
	db := storetest.MustOpen(t)
	var p recordedProgress
	paths := storetest.WriteFiles(t, "customers.csv", bankCustomersCSV, "invoices.csv", bankInvoicesCSV,
		"afschrift-februari.xml", camtStatement("S1", februaryEntries...), "MT940_ING.STA", mt940Statement())
	mustIngest(t, db, ingest.Options{Progress: &p}, paths...)
	if p.total == 0 || p.done != p.total {
		t.Errorf("progress advanced %d of %d", p.done, p.total)
	}
}
