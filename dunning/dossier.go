package dunning

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/present"
	"github.com/creditflow/creditflow/store"
)

// EntryKind is what a dossier entry records.
type EntryKind string

// Dossier entry kinds. Actions of the action log keep their ActionType as
// kind, but for a dispute, which is DisputeOpened.
const (
	InvoiceIssued  EntryKind = "invoice_issued"
	InvoiceDue     EntryKind = "invoice_due"
	CreditNote     EntryKind = "credit_note"
	PaymentEntry   EntryKind = "payment"
	Reversal       EntryKind = "reversal" // a reversed payment (*stornering*)
	DisputeOpened  EntryKind = "dispute_opened"
	PromiseKept    EntryKind = "promise_kept"
	PromiseBroken  EntryKind = "promise_broken"
	PromisePending EntryKind = "promise_pending"
)

// Entry is one event of a customer's dossier.
type Entry struct {
	Date creditflow.Date `json:"date"`
	Kind EntryKind       `json:"kind"`
	// Text is the event as one English sentence.
	Text string `json:"text"`
	// Amount is the amount of the event in the invoice currency (negative
	// for a credit note or a reversal); null when it has none.
	Amount     *creditflow.Money `json:"amount"`
	InvoiceIDs []string          `json:"invoice_ids"`
	// ActionID is the action of the action log the entry comes from.
	ActionID *int64 `json:"action_id,omitempty"`
	// rank orders the entries of one day: later in the course of events
	// first.
	rank int
	seq  int64
}

// Dossier is the timeline of one customer up to AsOf, newest first.
type Dossier struct {
	CustomerID string          `json:"customer_id"`
	Name       string          `json:"name"`
	AsOf       creditflow.Date `json:"as_of"`
	Entries    []Entry         `json:"entries"`
	// Claim is what the customer owes on AsOf (see Claims).
	Claim DebtorClaim `json:"claim"`
}

// PromiseStatus is the state of a promise to pay on a day.
type PromiseStatus string

// Promise states.
const (
	StatusPending PromiseStatus = "pending"
	StatusKept    PromiseStatus = "kept"
	StatusBroken  PromiseStatus = "broken"
)

// ledgerRow is one row of sql/dunning_dossier_ledger.sql.
type ledgerRow struct {
	kind, id, text, currency string
	day, due                 creditflow.Date
	amount                   creditflow.Money
	invoiceIDs               []string
}

// allocation is one row of sql/dunning_dossier_allocations.sql.
type allocation struct {
	invoiceID string
	day       creditflow.Date
	amount    creditflow.Money
}

// CustomerDossier builds the timeline of a customer up to asOf: invoices
// issued and falling due, credit notes, payments, reversals, the actions of
// the action log, and the outcome of every promise to pay (see
// promiseOutcome) with the grace of p. An unknown customer is ErrNotFound.
func CustomerDossier(ctx context.Context, q store.Querier, customerID string, asOf creditflow.Date, p Policy) (Dossier, error) {
	return customerDossier(ctx, q, customerID, asOf, p, nil, present.EN)
}

// CustomerDossierIn is CustomerDossier with the texts of the entries in
// the language l, their dates and amounts written as l writes them.
func CustomerDossierIn(ctx context.Context, q store.Querier, customerID string, asOf creditflow.Date, p Policy, l present.Lang) (Dossier, error) {
	return customerDossier(ctx, q, customerID, asOf, p, nil, l)
}

// customerDossier is CustomerDossier with the claim computed at rates (nil:
// DefaultRates), written in l.
func customerDossier(ctx context.Context, q store.Querier, customerID string, asOf creditflow.Date, p Policy, rates *RateTable, l present.Lang) (Dossier, error) {
	if asOf.IsZero() {
		return Dossier{}, fmt.Errorf("%w: as-of date is required", creditflow.ErrInvalid)
	}
	d := Dossier{CustomerID: customerID, AsOf: asOf, Entries: []Entry{}}
	var name *string
	err := q.QueryRowContext(ctx, `SELECT name FROM customers WHERE customer_id = ?`, customerID).Scan(&name)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return Dossier{}, fmt.Errorf("%w: customer %q", creditflow.ErrNotFound, customerID)
		}
		return Dossier{}, fmt.Errorf("dossier %s: %w", customerID, err)
	}
	if name != nil {
		d.Name = *name
	}
	ledger, err := dossierLedger(ctx, q, customerID, asOf)
	if err != nil {
		return Dossier{}, err
	}
	allocs, err := dossierAllocations(ctx, q, customerID, asOf)
	if err != nil {
		return Dossier{}, err
	}
	actions, err := Actions(ctx, q, customerID)
	if err != nil {
		return Dossier{}, err
	}
	invoiceAmount := map[string]creditflow.Money{}
	var payments []ledgerRow
	for i, r := range ledger {
		amt := r.amount
		e := Entry{Date: r.day, Amount: &amt, InvoiceIDs: r.invoiceIDs, seq: int64(i)}
		switch {
		case r.kind == "invoice" && r.amount < 0:
			e.Kind, e.rank = CreditNote, 1
			e.Text = l.Tf("Credit note %s of %s was issued.", r.id, l.Money(r.currency, -r.amount))
		case r.kind == "invoice":
			invoiceAmount[r.id] = r.amount
			e.Kind, e.rank = InvoiceIssued, 0
			e.Text = l.Tf("Invoice %s of %s was issued, due on %s.", r.id, l.Money(r.currency, r.amount), l.Date(r.due))
			if !r.due.IsZero() && !r.due.After(asOf.Time) {
				due := amt
				d.Entries = append(d.Entries, Entry{Date: r.due, Kind: InvoiceDue, rank: 1, seq: int64(i), Amount: &due,
					InvoiceIDs: r.invoiceIDs, Text: l.Tf("Invoice %s of %s fell due.", r.id, l.Money(r.currency, r.amount))})
			}
		case r.amount < 0:
			payments = append(payments, r)
			e.Kind, e.rank = Reversal, 3
			e.Text = l.Tf("Payment %s was reversed: %s taken back%s.", r.id, l.Amount(-r.amount), onInvoices(l, r.invoiceIDs))
		default:
			payments = append(payments, r)
			e.Kind, e.rank = PaymentEntry, 2
			e.Text = l.Tf("Payment %s of %s was received%s.", r.id, l.Amount(r.amount), onInvoices(l, r.invoiceIDs))
		}
		d.Entries = append(d.Entries, e)
	}
	for _, a := range actions {
		if a.ActionDate.After(asOf.Time) {
			continue
		}
		id := a.ID
		e := Entry{Date: a.ActionDate, Kind: EntryKind(a.Type), Amount: a.Amount, InvoiceIDs: a.InvoiceIDs, ActionID: &id,
			rank: 4, seq: a.ID, Text: actionText(l, a)}
		if a.Type == Dispute {
			e.Kind = DisputeOpened
		}
		d.Entries = append(d.Entries, e)
		if a.Type != PromiseToPay && a.Type != Arrangement {
			continue
		}
		status, on, paid := promiseOutcome(a, p.PromiseGraceDays, asOf, invoiceAmount, allocs, payments)
		o := Entry{Amount: a.Amount, InvoiceIDs: a.InvoiceIDs, ActionID: &id, rank: 5, seq: a.ID, Date: on}
		deadline := a.PromiseDate.AddDays(p.PromiseGraceDays)
		switch status {
		case StatusKept:
			o.Kind = PromiseKept
			o.Text = l.Tf("The promise of %s to pay%s was kept: paid on %s.", l.Date(a.ActionDate), amountAndDate(l, a, " ", l.T(" by ")), l.Date(on))
		case StatusBroken:
			o.Kind = PromiseBroken
			what := l.T("not paid")
			if a.Amount != nil {
				what = l.Tf("%s of %s paid", l.Plain(paid), l.Plain(*a.Amount))
			}
			o.Text = l.Tf("The promise of %s to pay%s was broken: %s by %s (%d days' grace).",
				l.Date(a.ActionDate), amountAndDate(l, a, " ", l.T(" by ")), what, l.Date(deadline), p.PromiseGraceDays)
		default:
			// A pending promise is shown on the day it was made.
			o.Kind, o.Date, o.rank = PromisePending, a.ActionDate, 5
			o.Text = l.Tf("The promise to pay by %s is pending until %s.", l.Date(a.PromiseDate), l.Date(deadline))
		}
		d.Entries = append(d.Entries, o)
	}
	slices.SortStableFunc(d.Entries, func(a, b Entry) int {
		if c := b.Date.Compare(a.Date.Time); c != 0 {
			return c
		}
		if c := cmp.Compare(b.rank, a.rank); c != 0 {
			return c
		}
		return cmp.Compare(b.seq, a.seq)
	})
	for i := range d.Entries {
		if d.Entries[i].InvoiceIDs == nil {
			d.Entries[i].InvoiceIDs = []string{}
		}
	}
	if d.Claim, err = CustomerClaim(ctx, q, customerID, asOf, ClaimOptions{Policy: p, Rates: rates}); err != nil {
		return Dossier{}, err
	}
	return d, nil
}

// promiseOutcome says whether a promise to pay (or an arrangement) a was
// kept on asOf, and on which day: kept when, by its promise date plus
// graceDays, the promised amount was paid (the sum of the customer's
// payments, reversals subtracted, from the action date on) or, for a
// promise without an amount, every covered invoice was settled (its
// allocations add up to its amount); broken when that day has passed
// without it; pending before. The day is the day it was kept, the last day
// of grace when broken, and asOf when pending. invoiceAmount are the
// amounts of the customer's invoices, allocs the allocations to them and
// payments the customer's payments, all up to asOf. paid is what the
// customer paid towards a promise with an amount, up to the day it was kept
// or else the last day of grace (or asOf when that is earlier).
//
// A promise with an amount is judged by that amount alone, whichever
// invoices the payments went to: its coverage of the oldest invoices (see
// the package documentation) only says which invoices pause meanwhile.
func promiseOutcome(a Action, graceDays int, asOf creditflow.Date, invoiceAmount map[string]creditflow.Money,
	allocs []allocation, payments []ledgerRow) (status PromiseStatus, on creditflow.Date, paid creditflow.Money) {
	deadline := a.PromiseDate.AddDays(graceDays)
	var keptOn creditflow.Date
	if a.Amount != nil {
		for _, y := range payments {
			if y.day.Before(a.ActionDate.Time) || y.day.After(deadline.Time) {
				continue
			}
			paid += y.amount
			if paid >= *a.Amount {
				keptOn = y.day
				break
			}
		}
	} else if len(a.InvoiceIDs) > 0 {
		// settled is what was allocated to each covered invoice so far; an
		// invoice is paid while that reaches its amount (a reversal can
		// re-open it).
		settled := map[string]creditflow.Money{}
		for _, id := range a.InvoiceIDs {
			settled[id] = 0
		}
		for _, al := range allocs {
			if al.day.After(deadline.Time) {
				break
			}
			if _, ok := settled[al.invoiceID]; !ok {
				continue
			}
			settled[al.invoiceID] += al.amount
			paid := true
			for id, v := range settled {
				paid = paid && v >= invoiceAmount[id]
			}
			if paid {
				keptOn = al.day
				break
			}
		}
	}
	switch {
	case !keptOn.IsZero():
		if keptOn.Before(a.ActionDate.Time) {
			keptOn = a.ActionDate
		}
		return StatusKept, keptOn, paid
	case asOf.After(deadline.Time):
		return StatusBroken, deadline, paid
	}
	return StatusPending, asOf, paid
}

// invoicesText names invoices: "invoice I1", "invoices I1, I2".
func invoicesText(l present.Lang, ids []string) string {
	if len(ids) == 1 {
		return l.Tf("invoice %s", ids[0])
	}
	return l.Tf("invoices %s", strings.Join(ids, ", "))
}

// onInvoices is " on invoice(s) ..." for a payment, or nothing.
func onInvoices(l present.Lang, ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	return l.Tf(" on %s", invoicesText(l, ids))
}

// amountAndDate is the promised amount of a promise or arrangement, if
// any, after amountPrefix, and its promise date after datePrefix.
func amountAndDate(l present.Lang, a Action, amountPrefix, datePrefix string) string {
	var s string
	if a.Amount != nil {
		s = amountPrefix + l.Plain(*a.Amount)
	}
	return s + datePrefix + l.Date(a.PromiseDate)
}

// reasonAndOwner is a dispute's reason after ": " and its owner written
// with ownerFormat (" (by %s)"); "" when it has neither.
func reasonAndOwner(l present.Lang, a Action, ownerFormat string) string {
	var s string
	if a.Reason != "" {
		s = ": " + strings.TrimRight(a.Reason, ".")
	}
	if a.Owner != "" {
		s += l.Tf(ownerFormat, a.Owner)
	}
	return s
}

// OutcomeText is a call's outcome in words, in l.
func OutcomeText(l present.Lang, o CallOutcome) string {
	switch o {
	case Reached:
		return l.T("reached the customer")
	case NoAnswer:
		return l.T("no answer")
	case Voicemail:
		return l.T("left a voicemail")
	case WrongNumber:
		return l.T("wrong number")
	}
	return string(o)
}

// actionText is an action as one sentence in l.
func actionText(l present.Lang, a Action) string {
	var s string
	on := onInvoices(l, a.InvoiceIDs)
	switch a.Type {
	case ReminderSent:
		s = l.Tf("A reminder was sent%s", on)
	case LetterSent:
		s = l.Tf("A letter was sent%s", on)
	case Call:
		s = l.Tf("The customer was called%s", on)
		if a.Outcome != "" {
			s += ": " + OutcomeText(l, a.Outcome)
		}
	case PromiseToPay:
		s = l.Tf("The customer promised to pay%s%s", amountAndDate(l, a, " ", l.T(" by ")), on)
	case Dispute:
		s = l.Tf("The customer disputed %s%s", invoicesText(l, a.InvoiceIDs), reasonAndOwner(l, a, " (handled by %s)"))
	case DisputeResolved:
		s = l.Tf("The dispute about %s was resolved%s", invoicesText(l, a.InvoiceIDs), reasonAndOwner(l, a, " (by %s)"))
	case Arrangement:
		s = l.Tf("A payment arrangement was agreed%s%s", amountAndDate(l, a, l.T(" for "), l.T(" until ")), on)
	case Handover:
		s = l.Tf("The claim was handed over to the collection agency%s", on)
	case Note:
		s = l.T("A note was made")
	case Pause:
		s = l.Tf("Dunning was paused until %s: %s", l.Date(a.Until), strings.TrimRight(a.Reason, "."))
	default:
		s = l.Tf("Action %s%s", string(a.Type), on)
	}
	if a.Step != "" {
		s += l.Tf(" (step %s)", StepWord(l, a.Step))
	}
	s += "."
	if a.Note != "" {
		s += l.Tf(" Note: %s", a.Note)
	}
	return s
}

// dossierLedger reads sql/dunning_dossier_ledger.sql.
func dossierLedger(ctx context.Context, q store.Querier, customerID string, asOf creditflow.Date) ([]ledgerRow, error) {
	return dossierRows(ctx, q, "dunning_dossier_ledger", customerID, asOf, func(rows *sql.Rows) (r ledgerRow, err error) {
		var ids string
		if err := rows.Scan(&r.kind, &r.id, &r.day, &r.due, store.Money(&r.amount), &r.currency, &r.text, &ids); err != nil {
			return r, err
		}
		if err := json.Unmarshal([]byte(ids), &r.invoiceIDs); err != nil {
			return r, fmt.Errorf("invoice_ids: %w", err)
		}
		return r, nil
	})
}

// dossierAllocations reads sql/dunning_dossier_allocations.sql.
func dossierAllocations(ctx context.Context, q store.Querier, customerID string, asOf creditflow.Date) ([]allocation, error) {
	return dossierRows(ctx, q, "dunning_dossier_allocations", customerID, asOf, func(rows *sql.Rows) (a allocation, err error) {
		err = rows.Scan(&a.invoiceID, &a.day, store.Money(&a.amount))
		return a, err
	})
}

// dossierRows runs the query of the dossier of customerID as of asOf and
// reads its rows with scan.
func dossierRows[T any](ctx context.Context, q store.Querier, query, customerID string, asOf creditflow.Date,
	scan func(*sql.Rows) (T, error)) ([]T, error) {
	var out []T
	err := store.EachRow(ctx, q, store.Query(query), func(rows *sql.Rows) error {
		r, err := scan(rows)
		out = append(out, r)
		return err
	}, customerID, asOf)
	if err != nil {
		return nil, fmt.Errorf("dossier %s: %w", customerID, err)
	}
	return out, nil
}
