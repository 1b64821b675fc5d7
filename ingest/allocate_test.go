package ingest

import (
	"reflect"
	"testing"

	"github.com/creditflow/creditflow/store/storetest"
)

func TestAllocator(t *testing.T) {
	inv := func(day int32, id string, cents int64) event { return event{"C", day, 0, id, cents, "", ""} }
	cn := func(day int32, id string, cents int64) event { return event{"C", day, 1, id, -cents, "", ""} }
	pay := func(day int32, id string, cents int64, ref string) event {
		return event{"C", day, 2, id, cents, ref, ""}
	}
	payText := func(day int32, id string, cents int64, text string) event {
		return event{"C", day, 2, id, cents, "", text}
	}
	al := func(invoice, kind, src string, cents int64, day int32, rule string) allocation {
		return allocation{customerID: "C", invoiceID: invoice, sourceKind: kind, sourceID: src, cents: cents, day: day, rule: rule}
	}
	tests := []struct {
		name   string
		events []event
		want   []allocation
	}{
		{"payment names its invoice",
			[]event{inv(1, "I1", 1000), inv(2, "I2", 500), pay(5, "P1", 500, "I2")},
			[]allocation{al("I2", "payment", "P1", 500, 5, ruleInvoiceReference)}},
		{"lump payment settles oldest first and partly the next",
			[]event{inv(1, "I1", 1000), inv(2, "I2", 500), pay(5, "P1", 1200, "")},
			[]allocation{al("I1", "payment", "P1", 1000, 5, ruleOldestFirst), al("I2", "payment", "P1", 200, 5, ruleOldestFirst)}},
		{"overpayment of a named invoice stays unapplied",
			[]event{inv(1, "I1", 1000), pay(5, "P1", 1100, "I1"), inv(6, "I2", 300)},
			[]allocation{al("I1", "payment", "P1", 1000, 5, ruleInvoiceReference)}},
		{"prepayment settles the next invoice on its day",
			[]event{pay(1, "P1", 300, ""), inv(4, "I1", 1000)},
			[]allocation{al("I1", "payment", "P1", 300, 4, ruleCredit)}},
		{"payment naming a later invoice waits for it",
			[]event{inv(1, "I0", 50), pay(2, "P1", 300, "I1"), inv(4, "I1", 300)},
			[]allocation{al("I1", "payment", "P1", 300, 4, ruleInvoiceReference)}},
		{"credit note settles the oldest open invoice, the rest waits",
			[]event{inv(1, "I1", 100), cn(2, "CN1", 150), inv(3, "I2", 100)},
			[]allocation{al("I1", "credit_note", "CN1", 100, 2, ruleCreditNote), al("I2", "credit_note", "CN1", 50, 3, ruleCredit)}},
		{"reversal of a named direct debit re-opens the invoice",
			[]event{inv(1, "I1", 800), pay(10, "P1", 800, "I1"), pay(14, "P2", -800, "I1"), pay(30, "P3", 800, "I1")},
			[]allocation{al("I1", "payment", "P1", 800, 10, ruleInvoiceReference), al("I1", "payment", "P2", -800, 14, ruleReversal),
				al("I1", "payment", "P3", 800, 30, ruleInvoiceReference)}},
		{"reversal without reference undoes the payment of the same amount",
			[]event{inv(1, "I1", 400), inv(2, "I2", 600), pay(10, "P1", 400, ""), pay(11, "P2", 600, ""), pay(15, "P3", -400, "")},
			[]allocation{al("I1", "payment", "P1", 400, 10, ruleOldestFirst), al("I2", "payment", "P2", 600, 11, ruleOldestFirst),
				al("I1", "payment", "P3", -400, 15, ruleReversal)}},
		{"a payment naming an invoice undoes the oldest-first guess on it",
			[]event{inv(1, "I1", 100), inv(2, "I2", 100), pay(5, "P1", 100, ""), pay(8, "P2", 100, "I1")},
			[]allocation{al("I1", "payment", "P1", 100, 5, ruleOldestFirst), al("I1", "payment", "P1", -100, 8, ruleReallocated),
				al("I1", "payment", "P2", 100, 8, ruleInvoiceReference), al("I2", "payment", "P1", 100, 8, ruleReallocated)}},
		{"invoice numbers in the remittance text come first",
			[]event{inv(1, "I1", 100), inv(2, "I2", 100), inv(3, "I3", 100), payText(5, "P1", 250, "facturen I3, I2.")},
			[]allocation{al("I3", "payment", "P1", 100, 5, ruleReferenceText), al("I2", "payment", "P1", 100, 5, ruleReferenceText),
				al("I1", "payment", "P1", 50, 5, ruleOldestFirst)}},
		{"reversal of a payment left as credit takes the credit back",
			[]event{pay(1, "P1", 300, ""), pay(2, "P2", -300, ""), inv(4, "I1", 1000)},
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &allocator{}
			a.reset("C")
			for _, e := range tt.events {
				a.apply(e)
			}
			if !reflect.DeepEqual(a.out, tt.want) {
				t.Errorf("allocations\n got %+v\nwant %+v", a.out, tt.want)
			}
		})
	}
}

// Events alike in customer, day and kind are replayed in order of id, which
// the reader restores (the query does not sort by id): a lump payment settles
// same-day invoices by number, whatever their order in the file.
func TestSameDayInvoicesSettleInOrderOfID(t *testing.T) {
	db := storetest.MustOpen(t)
	invoices := "invoice_id,customer_id,invoice_date,due_date,amount\n"
	for _, id := range []string{"I5", "I3", "I1", "I4", "I2"} {
		invoices += id + ",C1,2025-01-01,2025-01-31,10.00\n"
	}
	invoices += "J2,C2,2025-01-01,2025-01-31,10.00\nJ1,C2,2025-01-01,2025-01-31,10.00\n"
	payments := "payment_id,customer_id,invoice_id,payment_date,amount\nP1,C1,,2025-02-01,25.00\nQ1,C2,,2025-02-01,10.00\n"
	mustIngest(t, db, Options{}, storetest.WriteFiles(t, "invoices.csv", invoices, "payments.csv", payments)...)
	rows, err := db.Query(`SELECT invoice_id, CAST(amount AS VARCHAR) FROM payment_allocations ORDER BY invoice_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var id, amount string
		if err := rows.Scan(&id, &amount); err != nil {
			t.Fatal(err)
		}
		got = append(got, id+" "+amount)
	}
	want := []string{"I1 10.00", "I2 10.00", "I3 5.00", "J1 10.00"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("allocations = %v, want %v", got, want)
	}
}

// The rules and source kinds the allocator writes must be values of the
// ENUM types of payment_allocations (sql/007_allocation_enums.sql).
func TestAllocationEnumsHoldEveryRule(t *testing.T) {
	db := storetest.MustOpen(t)
	enum := func(typ string) map[string]bool {
		var list []any
		if err := db.QueryRow(`SELECT enum_range(NULL::` + typ + `)`).Scan(&list); err != nil {
			t.Fatal(err)
		}
		m := map[string]bool{}
		for _, v := range list {
			m[v.(string)] = true
		}
		return m
	}
	rules := enum("allocation_rule")
	for _, r := range []string{ruleInvoiceReference, ruleReferenceText, ruleOldestFirst, ruleCredit, ruleCreditNote, ruleReversal, ruleReallocated} {
		if !rules[r] {
			t.Errorf("rule %q is not a value of allocation_rule", r)
		}
	}
	sources := enum("allocation_source")
	for _, s := range []string{sourcePayment, sourceCreditNote} {
		if !sources[s] {
			t.Errorf("source kind %q is not a value of allocation_source", s)
		}
	}
}
