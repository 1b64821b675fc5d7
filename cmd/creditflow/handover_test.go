package main

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/store"

	"github.com/xuri/excelize/v2"
)

// TestHandoverExport exports a small ledger: H is at the hand-over step on
// 2025-05-01 (90 days past due, the aanmaning sent), N is not; --customer names whom to export.
func TestHandoverExport(t *testing.T) {
	_, getenv := ledgerDB(t, map[string]string{
		"customers.csv": "customer_id,name,country,segment,kind,payment_terms_days,credit_limit,registration_id,email,phone,address\n" +
			"H,Handover B.V.,NL,retail,b2b,30,,12345678,ap@handover.nl,+31201234567,Kerkstraat 1 Amsterdam\n" +
			"N,Nieuw B.V.,NL,retail,b2b,30,,,,,\n",
		"invoices.csv": "invoice_id,customer_id,invoice_date,due_date,amount,currency,disputed,description\n" +
			"H1,H,2025-01-01,2025-01-31,20000.00,EUR,false,\nN1,N,2025-03-20,2025-04-20,500.00,EUR,false,\n",
		"payments.csv": "payment_id,customer_id,invoice_id,payment_date,amount,method,reference\n" +
			"X1,H,H1,2025-02-10,1000.00,direct_debit,\nX2,H,H1,2025-02-15,-1000.00,direct_debit,stornering\n",
	})
	dbPath := getenv("CREDITFLOW_DB")
	// H was sent the aanmaning and the required ingebrekestelling, so that
	// catch-up may go on to the hand-over.
	db, err := store.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []struct {
		step string
		sent creditflow.Date
	}{
		{"aanmaning", creditflow.NewDate(time.Date(2025, 3, 2, 0, 0, 0, 0, time.UTC))},
		{"ingebrekestelling", creditflow.NewDate(time.Date(2025, 4, 10, 0, 0, 0, 0, time.UTC))},
	} {
		if _, err := dunning.RecordAction(context.Background(), db, dunning.DefaultPolicy(),
			dunning.NewAction{CustomerID: "H", Type: dunning.LetterSent, Step: l.step, ActionDate: l.sent}, "test", l.sent.Add(10*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	for _, tc := range []struct {
		name    string
		args    []string
		debtors []string
	}{
		{"hand-over step", nil, []string{"H"}},
		{"named customers", []string{"--customer", "H", "--customer", "N"}, []string{"H", "N"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "export")
			mustRunCLI(t, getenv, append([]string{"handover", "--as-of", "2025-05-01", "--out", out}, tc.args...)...)

			rows := readCSV(t, filepath.Join(out, "handover.csv"))
			if len(rows) == 0 || strings.Join(rows[0], ",") != strings.Join(handoverCSVHeader, ",") {
				t.Fatalf("header %v", rows)
			}
			var totals []string
			records := map[string]int{}
			for _, r := range rows[1:] {
				records[r[1]+"/"+r[0]]++
				if r[0] == "total" {
					totals = append(totals, r[1])
				}
				if r[1] == "H" && (r[4] != "Kerkstraat 1 Amsterdam" || r[6] != "12345678" || r[7] != "ap@handover.nl") {
					t.Errorf("debtor columns of H: %v", r)
				}
			}
			if strings.Join(totals, ",") != strings.Join(tc.debtors, ",") {
				t.Errorf("debtors %v, want %v", totals, tc.debtors)
			}
			// H: one open invoice; dossier: the ingebrekestelling, the aanmaning, reversal, payment, due, issued.
			if records["H/invoice"] != 1 || records["H/total"] != 1 || records["H/dossier"] != 6 {
				t.Errorf("records %v", records)
			}
			for _, r := range rows[1:] {
				if r[0] == "invoice" && r[1] == "H" {
					if r[9] != "H1" || r[10] != "2025-01-01" || r[11] != "2025-01-31" || r[14] != "20000.00" || r[15] == "0.00" || r[16] != "975.00" {
						t.Errorf("invoice row %v", r)
					}
				}
			}

			x, err := excelize.OpenFile(filepath.Join(out, "handover.xlsx"))
			if err != nil {
				t.Fatal(err)
			}
			defer x.Close()
			if got := x.GetSheetList(); strings.Join(got, ",") != "Debtors,Invoices,Dossier" {
				t.Errorf("sheets %v", got)
			}
			for _, c := range []struct{ sheet, cell, want string }{
				{"Invoices", "B2", "H1"},
				{"Invoices", "G2", "20000"},
				{"Invoices", "I2", "975"},
				{"Debtors", "J2", "20000"},
			} {
				typ, err := x.GetCellType(c.sheet, c.cell)
				if err != nil {
					t.Fatal(err)
				}
				v, err := x.GetCellValue(c.sheet, c.cell, excelize.Options{RawCellValue: true})
				if err != nil || v != c.want {
					t.Errorf("%s!%s = %q (%v), want %q", c.sheet, c.cell, v, err, c.want)
				}
				if _, perr := strconv.ParseFloat(c.want, 64); perr == nil && typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
					t.Errorf("%s!%s: type %v, want a number", c.sheet, c.cell, typ)
				}
			}
			// Dates are dates: a serial number shown as yyyy-mm-dd.
			raw, _ := x.GetCellValue("Invoices", "D2", excelize.Options{RawCellValue: true})
			shown, _ := x.GetCellValue("Invoices", "D2")
			if _, err := strconv.ParseFloat(raw, 64); err != nil || shown != "2025-01-31" {
				t.Errorf("Invoices!D2 raw %q shown %q, want a date serial shown as 2025-01-31", raw, shown)
			}
		})
	}
	wantCLIError(t, getenv, []string{"handover", "--as-of", "2025-05-01"}, "--out")
	wantCLIError(t, getenv, []string{"handover", "--as-of", "2025-05-01", "--out", t.TempDir(), "--customer", "NOPE"})
}
