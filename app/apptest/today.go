package apptest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/bank"
	"github.com/creditflow/creditflow/bank/match"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/ingest"
)

// The day ledger: a small hand-made ledger of the Today page's tests, as
// of TodayAsOf (Monday 7 December 2026), with the dunning policy
// TodayPolicy (a call capacity of 2 per owner). What it holds, by owner
// (the customers' account_manager):
//
//	Anna  A1, A2, A3 Alfa, Beta, Gamma BV: 250.00 each, 25 days past due: a call each (3 calls, over capacity)
//	      P1 Pelikaan BV: promised on 1 Dec to pay 300.00 by 7 Dec (due today), nothing paid
//	      K1 Kievit BV: 120.00 not yet due, paid by a credit of 6 Dec that the matcher booked
//	Bram  B1 Delta BV: 250.00, 25 days past due: a call (1 call, under capacity)
//	      B2 Eland BV: 400.00, 35 days past due: the aanmaning, a letter not yet sent
//	      P2 Pauw BV: promised on 30 Nov to pay 400.00 by 6 Dec, paid 150.00 on 3 Dec: broken, 250.00 short
//	      P3 Parkiet BV: promised on 1 Dec to pay 100.00 by 6 Dec, paid on 5 Dec: kept
//	      K2 Kraai BV: 60.00 not yet due, paid by a credit of 7 Dec booked by hand
//	none  S1 Stil BV: 40 weekly invoices of 100.00 paid 5 days late, the last payment on 20 Oct, then six
//	      unpaid (due 22 Oct to 26 Nov): a silence detected on 7 Dec, and its last call
//
// Two credits from unknown payers wait to be matched: 20.00 of 2 Dec and
// 55.00 of 7 Dec.
var TodayAsOf = creditflow.NewDate(time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC))

// TodayNow is the clock of the day ledger's tests: 10:00 on TodayAsOf.
var TodayNow = TodayAsOf.Add(10 * time.Hour)

// TodayPolicy is the default dunning policy with a call capacity of 2.
func TodayPolicy() dunning.Policy {
	p := dunning.DefaultPolicy()
	p.CallCapacity = 2
	return p
}

// TodayLedgerFiles writes the day ledger's files (customers, invoices,
// payments and a camt.053 statement) into a temporary directory.
func TodayLedgerFiles(tb testing.TB) []string {
	tb.Helper()
	d := func(days int) string { return TodayAsOf.AddDays(days).String() }
	var cust, inv, pay strings.Builder
	cust.WriteString("customer_id,name,kind,payment_terms_days,account_manager\n")
	inv.WriteString("invoice_id,customer_id,invoice_date,due_date,amount,currency\n")
	pay.WriteString("payment_id,customer_id,invoice_id,payment_date,amount,method,reference\n")
	customer := func(id, name, owner string) { fmt.Fprintf(&cust, "%s,%s,b2b,30,%s\n", id, name, owner) }
	invoice := func(id, customer string, due int, amount string) {
		fmt.Fprintf(&inv, "%s,%s,%s,%s,%s,EUR\n", id, customer, d(due-30), d(due), amount)
	}
	payment := func(id, customer, invoice string, on int, amount string) {
		fmt.Fprintf(&pay, "%s,%s,%s,%s,%s,transfer,%s\n", id, customer, invoice, d(on), amount, invoice)
	}
	for _, c := range [][3]string{{"A1", "Alfa BV", "Anna"}, {"A2", "Beta BV", "Anna"}, {"A3", "Gamma BV", "Anna"},
		{"B1", "Delta BV", "Bram"}} {
		customer(c[0], c[1], c[2])
		invoice("INV-"+c[0], c[0], -25, "250.00")
	}
	customer("B2", "Eland BV", "Bram")
	invoice("INV-B2", "B2", -35, "400.00")
	customer("P1", "Pelikaan BV", "Anna")
	invoice("INV-P1", "P1", -27, "300.00")
	customer("P2", "Pauw BV", "Bram")
	invoice("INV-P2", "P2", -32, "400.00")
	payment("PAY-P2", "P2", "INV-P2", -4, "150.00")
	customer("P3", "Parkiet BV", "Bram")
	invoice("INV-P3", "P3", -17, "100.00")
	payment("PAY-P3", "P3", "INV-P3", -2, "100.00")
	customer("K1", "Kievit BV", "Anna")
	invoice("INV-K1", "K1", 10, "120.00")
	customer("K2", "Kraai BV", "Bram")
	invoice("INV-K2", "K2", 12, "60.00")
	customer("S1", "Stil BV", "")
	// The last paid invoice was due on 15 Oct, paid on 20 Oct (48 days
	// before the as-of date); the first unpaid one was due on 22 Oct.
	for k := 0; k < 46; k++ {
		due := -53 - 7*(39-k)
		id := fmt.Sprintf("INV-S1-%02d", k)
		invoice(id, "S1", due, "100.00")
		if k < 40 {
			payment("PAY-S1-"+fmt.Sprint(k), "S1", id, due+5, "100.00")
		}
	}

	ourIBAN, kievit, kraai := match.IBAN("NL", "RABO0300000001"), match.IBAN("NL", "ABNA0417164300"), match.IBAN("NL", "SNSB0911111111")
	stranger, other := match.IBAN("NL", "TRIO0222222222"), match.IBAN("NL", "KNAB0333333333")
	entry := func(ref string, on int, amount, name, iban, text string) string {
		return fmt.Sprintf(`<Ntry><Amt Ccy="EUR">%s</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>%s</Dt></BookgDt>`+
			`<ValDt><Dt>%s</Dt></ValDt><AcctSvcrRef>%s</AcctSvcrRef><NtryDtls><TxDtls><RltdPties><Dbtr><Nm>%s</Nm></Dbtr>`+
			`<DbtrAcct><Id><IBAN>%s</IBAN></Id></DbtrAcct></RltdPties><RmtInf><Ustrd>%s</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>`+"\n",
			amount, d(on), d(on), ref, name, iban, text)
	}
	camt := `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>DAY-1</MsgId><CreDtTm>` + d(0) + `T08:00:00</CreDtTm></GrpHdr>
<Stmt><Id>DAY-1</Id><CreDtTm>` + d(0) + `T08:00:00</CreDtTm><Acct><Id><IBAN>` + ourIBAN + `</IBAN></Id><Ccy>EUR</Ccy></Acct>
` + entry("E1", -5, "20.00", "Onbekende Betaler", stranger, "bestelling 77") +
		entry("E2", -1, "120.00", "Kievit BV", kievit, "factuur INV-K1") +
		entry("E3", 0, "60.00", "Kraaijenhof", kraai, "zie mail") +
		entry("E4", 0, "55.00", "Iemand Anders", other, "gift") +
		`</Stmt></BkToCstmrStmt></Document>
`
	dir := tb.TempDir()
	var paths []string
	for _, f := range [][2]string{{"customers.csv", cust.String()}, {"invoices.csv", inv.String()}, {"payments.csv", pay.String()},
		{"afschrift.xml", camt}} {
		p := filepath.Join(dir, f[0])
		if err := os.WriteFile(p, []byte(f[1]), 0o644); err != nil {
			tb.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

// TodayLedger loads the day ledger into a: its files, the three promises
// to pay, and the credit of K2 matched by hand by "Bram".
func TodayLedger(tb testing.TB, a *app.App) {
	tb.Helper()
	ctx := context.Background()
	if _, err := a.Ingest(ctx, TodayLedgerFiles(tb), ingest.Options{Actor: "test"}); err != nil {
		tb.Fatalf("ingest the day ledger: %v", err)
	}
	promise := func(customer string, made, due int, amount creditflow.Money) {
		_, err := a.RecordAction(ctx, dunning.NewAction{CustomerID: customer, Type: dunning.PromiseToPay,
			ActionDate: TodayAsOf.AddDays(made), PromiseDate: TodayAsOf.AddDays(due), Amount: &amount}, "Anna")
		if err != nil {
			tb.Fatalf("promise of %s: %v", customer, err)
		}
	}
	promise("P1", -6, 0, 300_00)
	promise("P2", -7, -1, 400_00)
	promise("P3", -6, -1, 100_00)
	page, err := a.Unmatched(ctx, 10, 0)
	if err != nil {
		tb.Fatal(err)
	}
	for _, u := range page.Items {
		if u.Amount == 60_00 {
			if _, err := a.MatchByHand(ctx, u.ID, bank.ManualMatch{CustomerID: "K2", InvoiceIDs: []string{"INV-K2"}}, "Bram"); err != nil {
				tb.Fatalf("match the credit of K2: %v", err)
			}
			return
		}
	}
	tb.Fatalf("the credit of 60.00 does not wait to be matched: %+v", page.Items)
}
