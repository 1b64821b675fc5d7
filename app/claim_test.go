package app_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/demo"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/ingest"
	"github.com/creditflow/creditflow/ingest/ingesttest"
	"github.com/creditflow/creditflow/store/storetest"
)

// TestOneClaimEverywhere runs the ladder over the last three months of a
// demo ledger, a run every week (so that every run catches up a week),
// recording each letter and e-mail as sent, and then checks that the claim
// of every debtor shows the same principal, interest and costs, to the
// cent, in the worklist, the letters, the hand-over file, the dossier and
// the legal calculators.
func TestOneClaimEverywhere(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a ledger of 400 customers")
	}
	ctx := context.Background()
	dir := t.TempDir()
	end := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	// CREDITFLOW_CLAIM_CUSTOMERS=500 CREDITFLOW_CLAIM_INVOICES=50000 gives
	// the size of the default demo.
	cfg := demo.Config{Customers: ingesttest.EnvInt("CREDITFLOW_CLAIM_CUSTOMERS", 400),
		Invoices: ingesttest.EnvInt("CREDITFLOW_CLAIM_INVOICES", 30000), Seed: 12, End: end, Years: 2}
	if _, err := demo.Generate(ctx, dir, cfg); err != nil {
		t.Fatal(err)
	}
	a := app.New(app.Config{DB: storetest.MustOpen(t), Now: func() time.Time { return end.Add(9 * time.Hour) }})
	files := []string{filepath.Join(dir, demo.CustomersFile), filepath.Join(dir, demo.InvoicesFile), filepath.Join(dir, demo.PaymentsFile)}
	if _, err := a.Ingest(ctx, files, ingest.Options{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	asOf := creditflow.NewDate(end)
	p := a.Policy()
	start := time.Now()
	phase := func(what string) { t.Logf("%s: %v", what, time.Since(start)); start = time.Now() }
	for d := asOf.AddDays(-91); !d.After(asOf.Time); d = d.AddDays(7) {
		w, err := dunning.ComputeWorklist(ctx, a.DB(), d, dunning.Options{Policy: p})
		if err != nil {
			t.Fatal(err)
		}
		// The day's letters and e-mails, recorded as sent in one insert
		// (RecordAction one by one would dominate the test's time).
		for _, task := range w.Tasks {
			if task.Channel == dunning.Phone || task.Optional || d.Equal(asOf.Time) {
				continue
			}
			if _, err := a.DB().ExecContext(ctx, `INSERT INTO dunning_actions (customer_id, invoice_ids, type, action_date, step, created_by, created_at)
				VALUES (?, [], 'letter_sent', ?, ?, 'test', now())`, task.CustomerID, d, task.Step); err != nil {
				t.Fatal(err)
			}
		}
	}
	a.Invalidate(app.Change{Kind: app.ActionRecorded})
	phase("ladder")
	claims, err := dunning.Claims(ctx, a.DB(), asOf, "", dunning.ClaimOptions{Policy: p})
	if err != nil {
		t.Fatal(err)
	}
	w, err := a.WorklistTop(ctx, asOf, 0)
	if err != nil {
		t.Fatal(err)
	}
	phase("claims and worklist")
	tasks := map[string]dunning.Task{}
	for _, task := range w.Tasks {
		tasks[task.CustomerID] = task
	}
	letters, err := a.Letters(ctx, asOf, dunning.LetterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	letterOf := map[string]dunning.DunningLetter{}
	for _, l := range letters {
		letterOf[l.CustomerID] = l
	}
	rates, err := dunning.DefaultRates()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range claims {
		ids = append(ids, c.CustomerID)
	}
	cases, err := a.HandoverCases(ctx, asOf, ids)
	if err != nil {
		t.Fatal(err)
	}

	phase("letters and hand-over")
	var checked, withTask, withLetter, applied int
	for i, c := range claims {
		if c.Error != "" {
			t.Errorf("%s: %s", c.CustomerID, c.Error)
			continue
		}
		if len(c.Lines) == 0 {
			continue
		}
		checked++
		if len(c.Applications) > 0 {
			applied++
		}
		same := func(where string, principal, interest, costs creditflow.Money) {
			t.Helper()
			if principal != c.Principal || interest != c.Interest || costs != c.Costs {
				t.Errorf("%s: %s shows principal %s interest %s costs %s; the claim %s %s %s",
					c.CustomerID, where, principal, interest, costs, c.Principal, c.Interest, c.Costs)
			}
		}
		// The API's claim of one customer is the claim of the batch.
		one, err := a.Claim(ctx, c.CustomerID, asOf)
		if err != nil {
			t.Fatal(err)
		}
		same("the claim API", one.Principal, one.Interest, one.Costs)
		if task, ok := tasks[c.CustomerID]; ok {
			withTask++
			same("the worklist", task.Principal, task.Interest, task.Costs)
			if task.CostsDue != c.CostsDue {
				t.Errorf("%s: worklist costs due %v, claim %v", c.CustomerID, task.CostsDue, c.CostsDue)
			}
		}
		if l, ok := letterOf[c.CustomerID]; ok && l.Charging != dunning.ChargeNone {
			withLetter++
			same("the "+l.Form, l.Principal, l.Interest, l.Costs)
			if l.Charging == dunning.ChargeClaim && l.Total != c.Total {
				t.Errorf("%s: %s claims %s, the claim's total is %s", c.CustomerID, l.Form, l.Total, c.Total)
			}
		}
		h := cases[i]
		same("the hand-over", h.Claim.Principal, h.Claim.Interest, h.Claim.Costs)
		var sumP, sumI, sumC creditflow.Money
		for _, inv := range h.Invoices {
			sumP, sumI, sumC = sumP+inv.OpenAmount, sumI+inv.Interest, sumC+inv.Costs
		}
		if c.Kind == creditflow.B2C {
			sumC = h.Claim.Costs // a consumer's costs go over the total, not per invoice
		}
		same("the hand-over's invoices summed", sumP, sumI, sumC)
		if h.Total != c.Total || len(h.Disputed) != len(c.Disputed) {
			t.Errorf("%s: hand-over total %s with %d disputed invoices; claim %s with %d", c.CustomerID, h.Total,
				len(h.Disputed), c.Total, len(c.Disputed))
		}
		for _, inv := range h.Invoices {
			if inv.Disputed {
				t.Errorf("%s: disputed invoice %s handed over as part of the claim", c.CustomerID, inv.InvoiceID)
			}
		}
		same("the dossier", h.Dossier.Claim.Principal, h.Dossier.Claim.Interest, h.Dossier.Claim.Costs)

		// The legal calculators give the same interest on every line that
		// no payment touched, and the same costs on the claim's bases.
		kind := creditflow.B2B
		if c.Kind == creditflow.B2C {
			kind = creditflow.B2C
		}
		var bases []creditflow.Money
		untouched := true
		for _, l := range c.Lines {
			bases = append(bases, l.Amount-l.Credited-l.Paid)
			if len(l.Allocations) > 0 {
				untouched = false
				continue
			}
			ic, err := dunning.StatutoryInterest(l.Amount, l.DueDate, asOf, kind, rates)
			if err != nil {
				t.Fatal(err)
			}
			if ic.Interest != l.Interest {
				t.Errorf("%s: invoice %s: interest calculator %s, claim line %s", c.CustomerID, l.InvoiceID, ic.Interest, l.Interest)
			}
		}
		if untouched && !c.CostsDue {
			var costs creditflow.Money
			if kind == creditflow.B2C {
				var total creditflow.Money
				for _, b := range bases {
					total += b
				}
				cc, err := dunning.CollectionCosts(total, kind)
				if err != nil {
					t.Fatal(err)
				}
				costs = cc.Amount
			} else {
				pc, err := dunning.CollectionCostsPerInvoice(bases, kind)
				if err != nil {
					t.Fatal(err)
				}
				costs = pc.Amount
			}
			if costs != c.Costs {
				t.Errorf("%s: costs calculator %s, claim %s", c.CustomerID, costs, c.Costs)
			}
		}
	}
	phase("checks")
	t.Logf("debtors checked: %d (%d with a task, %d with a letter that charges, %d with payments applied under art. 6:44 BW)",
		checked, withTask, withLetter, applied)
	if checked < 100 || withTask == 0 || withLetter == 0 {
		t.Errorf("checked %d debtors, %d tasks, %d letters: the ledger does not exercise the claim", checked, withTask, withLetter)
	}
}
