package dunning_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/risk"
	"github.com/creditflow/creditflow/store"
)

// disputeLedger is A's ledger for the dispute tests: A1 (1,000.00) and A2
// (400.00) are not disputed in the ledger, A3 (250.00) is. A disputes A2 on
// 2025-03-10 until 2025-03-20; A3's dispute is resolved on 2025-03-15.
var disputeLedger = ledger{customers: baseCustomers, invoices: `
A1,A,2025-01-30,2025-03-01,1000.00,EUR,false,
A2,A,2025-02-03,2025-03-05,400.00,EUR,false,
A3,A,2025-01-30,2025-03-01,250.00,EUR,true,
`}

// TestDisputeInEveryAnalytic checks that a dispute action makes its
// invoices disputed, from its date until a dispute_resolved names them,
// in the open items, the risk features, the forecast's history and the
// worklist alike, and that dispute_resolved lifts the ledger's flag too; the
// dossier tells each with its reason and owner.
func TestDisputeInEveryAnalytic(t *testing.T) {
	ctx := context.Background()
	db := loadLedger(t, disputeLedger)
	disputed := record(t, db, dunning.NewAction{CustomerID: "A", Type: dunning.Dispute, InvoiceIDs: []string{"A2"},
		Reason: " wrong quantity ", ActionDate: day(t, "2025-03-10")})
	record(t, db, dunning.NewAction{CustomerID: "A", Type: dunning.DisputeResolved, InvoiceIDs: []string{"A3"},
		Reason: "credit note agreed", Owner: "bea", ActionDate: day(t, "2025-03-15")})
	record(t, db, dunning.NewAction{CustomerID: "A", Type: dunning.DisputeResolved, InvoiceIDs: []string{"A2"},
		ActionDate: day(t, "2025-03-20")})

	// The dispute's reason and owner (who recorded it) are stored.
	if disputed.Reason != "wrong quantity" || disputed.Owner != "test" {
		t.Errorf("recorded reason %q owner %q, want wrong quantity, test", disputed.Reason, disputed.Owner)
	}
	acts, err := dunning.Actions(ctx, db, "A")
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(acts, func(a dunning.Action) bool { return a.ID == disputed.ID })
	if i < 0 || acts[i].Reason != "wrong quantity" || acts[i].Owner != "test" {
		t.Errorf("read back %+v", acts)
	}

	// The dossier tells the dispute with its reason and owner.
	d, err := dunning.CustomerDossier(ctx, db, "A", day(t, "2025-03-25"), dunning.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, e := range d.Entries {
		if e.Kind == dunning.DisputeOpened || e.Kind == dunning.EntryKind(dunning.DisputeResolved) {
			texts = append(texts, e.Text)
		}
	}
	want := []string{"The dispute about invoice A2 was resolved.",
		"The dispute about invoice A3 was resolved: credit note agreed (by bea).",
		"The customer disputed invoice A2: wrong quantity (handled by test)."}
	if !slices.Equal(texts, want) {
		t.Errorf("dossier: %q, want %q", texts, want)
	}

	cases := []struct {
		asOf     string
		disputed []string // the disputed invoices
		// The worklist's task: its invoices and amount overdue.
		invoices int
		amount   string
	}{
		{"2025-03-09", []string{"A3"}, 2, "1400.00"},
		{"2025-03-12", []string{"A2", "A3"}, 1, "1000.00"},
		{"2025-03-17", []string{"A2"}, 2, "1250.00"},
		{"2025-03-25", nil, 3, "1650.00"},
	}
	p := dunning.DefaultPolicy()
	for _, c := range cases {
		t.Run(c.asOf, func(t *testing.T) {
			asOf := day(t, c.asOf)
			var disputedAmount creditflow.Money
			items, _, err := risk.OpenItems(ctx, db, risk.OpenItemsQuery{AsOf: asOf, CustomerID: "A"})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, it := range items {
				if it.Disputed {
					got = append(got, it.InvoiceID)
					disputedAmount += it.OpenAmount
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, c.disputed) {
				t.Errorf("open items: disputed %v, want %v", got, c.disputed)
			}

			var n int
			var open creditflow.Money
			q := `SELECT n_disputed, disputed_open_amount FROM (` + strings.TrimRight(strings.TrimSpace(store.Query("risk_features")), ";") + `)`
			if err := db.QueryRowContext(ctx, q, c.asOf, "EUR", "A", asOf, 0).Scan(&n, store.Money(&open)); err != nil {
				t.Fatal(err)
			}
			if n != len(c.disputed) || open != disputedAmount {
				t.Errorf("risk features: %d disputed, %s open; want %d, %s", n, open, len(c.disputed), disputedAmount)
			}

			// The forecast's history: the invoices with their dispute state.
			rows, err := db.QueryContext(ctx, store.Query("forecast_history"), asOf, "EUR", asOf)
			if err != nil {
				t.Fatal(err)
			}
			got = nil
			for rows.Next() {
				var cust, seg, id string
				var issued, due, settled any
				var dis bool
				var amount, open int64
				if err := rows.Scan(&cust, &seg, &issued, &due, &dis, &amount, &open, &settled, &id); err != nil {
					t.Fatal(err)
				}
				if dis {
					got = append(got, id)
				}
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			rows.Close()
			slices.Sort(got)
			if !slices.Equal(got, c.disputed) {
				t.Errorf("forecast history: disputed %v, want %v", got, c.disputed)
			}

			w, tasks := worklistOn(t, db, c.asOf, p)
			task, _ := expectTask(t, w, tasks, "A", "any", "", nil)
			if task.Invoices != c.invoices || task.AmountOverdue != money(t, c.amount) {
				t.Errorf("worklist: %d invoices, %s; want %d, %s", task.Invoices, task.AmountOverdue, c.invoices, c.amount)
			}
			if len(c.disputed) > 0 && !strings.Contains(task.Reason, "disputed invoice") {
				t.Errorf("worklist reason %q does not name the disputed invoices", task.Reason)
			}
		})
	}
}

// TestParseDispute reads a dispute's reason and owner from JSON.
func TestParseDispute(t *testing.T) {
	a, err := dunning.ParseNewAction([]byte(`{"customer_id":"A","type":"dispute","invoice_ids":["A1"],"reason":"price","owner":"bea"}`))
	if err != nil || a.Reason != "price" || a.Owner != "bea" {
		t.Errorf("parsed %+v, %v", a, err)
	}
}
