package dunning_test

import (
	"context"
	"errors"
	"testing"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/store"
)

// dossierLedger is the ledger of the dossier tests: D's payment of I1 is
// reversed; K, B and P each make a promise to pay on 2025-03-05 by
// 2025-03-10 (grace 3 days: until 2025-03-13). K pays in time, B only a
// third of the promised amount, P nothing.
var dossierLedger = ledger{
	customers: `
D,Debiteur B.V.,NL,retail,b2b,30,,,,,
K,Keeper B.V.,NL,retail,b2b,30,,,,,
B,Breaker B.V.,NL,retail,b2b,30,,,,,
P,Pending B.V.,NL,retail,b2b,30,,,,,
`,
	invoices: `
I1,D,2025-01-01,2025-01-31,1000.00,EUR,false,
I2,D,2025-02-01,2025-03-03,500.00,EUR,false,
KI,K,2025-02-01,2025-03-01,300.00,EUR,false,
BI,B,2025-02-01,2025-03-01,300.00,EUR,false,
PI,P,2025-02-01,2025-03-01,300.00,EUR,false,
`,
	payments: `
P1,D,I1,2025-02-10,1000.00,direct_debit,
P2,D,I1,2025-02-15,-1000.00,direct_debit,stornering
KP,K,KI,2025-03-12,300.00,transfer,KI
BP,B,BI,2025-03-11,100.00,transfer,BI
`,
}

func loadDossierLedger(t *testing.T) *store.DB {
	t.Helper()
	db := loadLedger(t, dossierLedger)
	record(t, db, dunning.NewAction{CustomerID: "D", Type: dunning.ReminderSent, ActionDate: day(t, "2025-02-20")})
	record(t, db, dunning.NewAction{CustomerID: "D", Type: dunning.Dispute, InvoiceIDs: []string{"I2"}, Reason: "goods damaged", ActionDate: day(t, "2025-03-05")})
	record(t, db, dunning.NewAction{CustomerID: "D", Type: dunning.DisputeResolved, InvoiceIDs: []string{"I2"}, ActionDate: day(t, "2025-03-10")})
	amount := creditflow.Money(300_00)
	for _, c := range []string{"K", "B", "P"} {
		a := dunning.NewAction{CustomerID: c, Type: dunning.PromiseToPay, ActionDate: day(t, "2025-03-05"), PromiseDate: day(t, "2025-03-10")}
		if c == "B" {
			a.Amount = &amount
		}
		record(t, db, a)
	}
	return db
}

func TestDossierOrder(t *testing.T) {
	db := loadDossierLedger(t)
	d, err := dunning.CustomerDossier(context.Background(), db, "D", day(t, "2025-03-20"), dunning.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		date string
		kind dunning.EntryKind
		ids  string
		amt  string
	}{
		{"2025-03-10", "dispute_resolved", "I2", ""},
		{"2025-03-05", dunning.DisputeOpened, "I2", ""},
		{"2025-03-03", dunning.InvoiceDue, "I2", "500.00"},
		{"2025-02-20", "reminder_sent", "I1", ""},
		{"2025-02-15", dunning.Reversal, "I1", "-1000.00"},
		{"2025-02-10", dunning.PaymentEntry, "I1", "1000.00"},
		{"2025-02-01", dunning.InvoiceIssued, "I2", "500.00"},
		{"2025-01-31", dunning.InvoiceDue, "I1", "1000.00"},
		{"2025-01-01", dunning.InvoiceIssued, "I1", "1000.00"},
	}
	if len(d.Entries) != len(want) {
		for _, e := range d.Entries {
			t.Logf("%s %s %s", e.Date, e.Kind, e.Text)
		}
		t.Fatalf("got %d entries, want %d", len(d.Entries), len(want))
	}
	for i, w := range want {
		e := d.Entries[i]
		amt := ""
		if e.Amount != nil {
			amt = e.Amount.String()
		}
		ids := ""
		if len(e.InvoiceIDs) == 1 {
			ids = e.InvoiceIDs[0]
		}
		if e.Date.String() != w.date || e.Kind != w.kind || ids != w.ids || amt != w.amt || e.Text == "" {
			t.Errorf("entry %d = %s %s %v %s %q, want %s %s %s %s", i, e.Date, e.Kind, e.InvoiceIDs, amt, e.Text, w.date, w.kind, w.ids, w.amt)
		}
		isAction := e.ActionID != nil
		if wantAction := i == 0 || i == 1 || i == 3; isAction != wantAction {
			t.Errorf("entry %d (%s): action id %v", i, e.Kind, e.ActionID)
		}
	}
	if got := d.Entries[4].Text; got != "Payment P2 was reversed: 1,000.00 taken back on invoice I1." {
		t.Errorf("reversal text %q", got)
	}
	// An earlier as-of date cuts the timeline.
	early, err := dunning.CustomerDossier(context.Background(), db, "D", day(t, "2025-02-12"), dunning.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	if len(early.Entries) != 4 || early.Entries[0].Kind != dunning.PaymentEntry {
		t.Errorf("dossier on 2025-02-12: %+v", early.Entries)
	}
}

func TestDossierPromises(t *testing.T) {
	db := loadDossierLedger(t)
	for _, tc := range []struct {
		name, customer, asOf string
		kind                 dunning.EntryKind
		date                 string
	}{
		{"kept within grace", "K", "2025-03-20", dunning.PromiseKept, "2025-03-12"},
		{"kept seen before the deadline", "K", "2025-03-12", dunning.PromiseKept, "2025-03-12"},
		{"amount not paid: broken", "B", "2025-03-20", dunning.PromiseBroken, "2025-03-13"},
		{"amount not paid yet: pending", "B", "2025-03-12", dunning.PromisePending, "2025-03-05"},
		{"nothing paid: broken", "P", "2025-03-14", dunning.PromiseBroken, "2025-03-13"},
		{"last day of grace: pending", "P", "2025-03-13", dunning.PromisePending, "2025-03-05"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := dunning.CustomerDossier(context.Background(), db, tc.customer, day(t, tc.asOf), dunning.DefaultPolicy())
			if err != nil {
				t.Fatal(err)
			}
			var found []dunning.Entry
			for _, e := range d.Entries {
				switch e.Kind {
				case dunning.PromiseKept, dunning.PromiseBroken, dunning.PromisePending:
					found = append(found, e)
				}
			}
			if len(found) != 1 {
				t.Fatalf("got %d promise outcomes, want 1: %+v", len(found), d.Entries)
			}
			e := found[0]
			if e.Kind != tc.kind || e.Date.String() != tc.date || e.ActionID == nil {
				t.Errorf("got %s on %s (%q), want %s on %s", e.Kind, e.Date, e.Text, tc.kind, tc.date)
			}
		})
	}
}

func TestDossierUnknownCustomer(t *testing.T) {
	db := loadLedger(t, dossierLedger)
	_, err := dunning.CustomerDossier(context.Background(), db, "nobody", day(t, "2025-03-20"), dunning.DefaultPolicy())
	if !errors.Is(err, creditflow.ErrNotFound) {
		t.Fatalf("got %v, want ErrNotFound", err)
	}
}
