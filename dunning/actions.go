package dunning

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/store"
)

// ActionType is what was done about a customer's overdue invoices.
type ActionType string

// Action types.
const (
	ReminderSent    ActionType = "reminder_sent"
	LetterSent      ActionType = "letter_sent"
	Call            ActionType = "call"
	PromiseToPay    ActionType = "promise_to_pay"
	Dispute         ActionType = "dispute"
	DisputeResolved ActionType = "dispute_resolved"
	Arrangement     ActionType = "arrangement" // payment plan (*betalingsregeling*)
	Handover        ActionType = "handover"    // to the collection agency (*incassobureau*)
	Note            ActionType = "note"
	// Pause stops the ladder for the customer from its date up to and
	// including its Until date, with a reason (see the package
	// documentation).
	Pause ActionType = "pause"
)

// ActionTypes are all action types, in the order of the documentation.
var ActionTypes = []ActionType{ReminderSent, LetterSent, Call, PromiseToPay, Dispute, DisputeResolved, Arrangement, Handover, Note, Pause}

// CallOutcome is what a call came to.
type CallOutcome string

// Call outcomes.
const (
	Reached     CallOutcome = "reached"
	NoAnswer    CallOutcome = "no_answer"
	Voicemail   CallOutcome = "voicemail"
	WrongNumber CallOutcome = "wrong_number"
)

// CallOutcomes are all call outcomes.
var CallOutcomes = []CallOutcome{Reached, NoAnswer, Voicemail, WrongNumber}

// MaxNoteLength is the longest note or dispute reason of an action, in
// characters.
const MaxNoteLength = 4000

// MaxOwnerLength is the longest owner of a dispute, in characters.
const MaxOwnerLength = 200

// Action is one row of the action log (dunning_actions).
type Action struct {
	ID          int64             `json:"action_id"`
	CustomerID  string            `json:"customer_id"`
	InvoiceIDs  []string          `json:"invoice_ids"`
	Type        ActionType        `json:"type"`
	ActionDate  creditflow.Date   `json:"date"`
	PromiseDate creditflow.Date   `json:"promise_date"`
	Amount      *creditflow.Money `json:"amount"`
	Note        string            `json:"note"`
	Step        string            `json:"step"`
	// Reason and Owner are why the customer disputes the invoices and who
	// handles the dispute, for a dispute (and, when given, for a
	// dispute_resolved: how it was resolved, by whom); "" otherwise. A
	// pause has a Reason too: why dunning stops.
	Reason string `json:"reason,omitempty"`
	Owner  string `json:"owner,omitempty"`
	// Until is the last day of a pause; zero for the other types.
	Until creditflow.Date `json:"until,omitzero"`
	// Outcome is what a call came to; "" for the other types, or a call
	// recorded without one.
	Outcome CallOutcome `json:"outcome,omitempty"`
	// Instalments are the terms of an arrangement, in order.
	Instalments []Instalment `json:"instalments,omitempty"`
	CreatedBy   string       `json:"created_by"`
	CreatedAt   time.Time    `json:"created_at"`
}

// NewAction is the input of RecordAction (the body of POST /api/actions).
// ActionDate defaults to today; InvoiceIDs default to all the customer's
// overdue invoices on the action date, since one action covers them all.
//
// A promise to pay with an Amount covers only the oldest of its invoices
// that the amount pays in full; one without an amount covers the customer
// whole (see the package documentation). A dispute names its invoices and
// a Reason; its Owner defaults to who records it.
type NewAction struct {
	CustomerID  string            `json:"customer_id"`
	InvoiceIDs  []string          `json:"invoice_ids"`
	Type        ActionType        `json:"type"`
	ActionDate  creditflow.Date   `json:"date"`
	PromiseDate creditflow.Date   `json:"promise_date"`
	Amount      *creditflow.Money `json:"amount"`
	Note        string            `json:"note"`
	Step        string            `json:"step"`
	// Reason and Owner: see Action; a dispute and a pause require a
	// reason, and only a dispute or a dispute_resolved has an owner.
	Reason string `json:"reason"`
	Owner  string `json:"owner"`
	// Until is the last day of a pause (type pause only, required): on or
	// after the action date.
	Until creditflow.Date `json:"until"`
	// Outcome is what a call came to (type call only, optional).
	Outcome CallOutcome `json:"outcome"`
	// Instalments are the terms of an arrangement (type arrangement only):
	// dates ascending, on or after the action date, amounts above 0 and
	// summing to at most the overdue amount the arrangement covers. Its
	// promise_date defaults to the last instalment's date.
	Instalments []Instalment `json:"instalments"`
}

// invalid is a validation error that names the field.
func invalid(field, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", creditflow.ErrInvalid, field, fmt.Sprintf(format, args...))
}

// Validate checks what can be checked without the ledger.
func (a NewAction) Validate(p Policy, today creditflow.Date) error {
	if strings.TrimSpace(a.CustomerID) == "" {
		return invalid("customer_id", "is required")
	}
	known := false
	for _, t := range ActionTypes {
		known = known || a.Type == t
	}
	if !known {
		names := make([]string, len(ActionTypes))
		for i, t := range ActionTypes {
			names[i] = string(t)
		}
		return invalid("type", "%q: expected one of %s", a.Type, strings.Join(names, ", "))
	}
	if !a.ActionDate.IsZero() && a.ActionDate.After(today.Time) {
		return invalid("date", "%s is in the future", a.ActionDate)
	}
	date := a.ActionDate
	if date.IsZero() {
		date = today
	}
	if len(a.Instalments) > 0 && a.Type != Arrangement {
		return invalid("instalments", "only an arrangement has instalments, not a %s", a.Type)
	}
	for i, in := range a.Instalments {
		field := fmt.Sprintf("instalments[%d]", i)
		switch {
		case in.Date.IsZero():
			return invalid(field+".date", "is required")
		case in.Date.Before(date.Time):
			return invalid(field+".date", "%s is before the action date %s", in.Date, date)
		case i > 0 && !in.Date.After(a.Instalments[i-1].Date.Time):
			return invalid(field+".date", "%s is not after the previous instalment's %s", in.Date, a.Instalments[i-1].Date)
		case in.Amount <= 0:
			return invalid(field+".amount", "must be above 0")
		}
	}
	if a.Type == Arrangement && a.PromiseDate.IsZero() && len(a.Instalments) > 0 {
		a.PromiseDate = a.Instalments[len(a.Instalments)-1].Date
	}
	switch a.Type {
	case PromiseToPay, Arrangement:
		if a.PromiseDate.IsZero() {
			return invalid("promise_date", "is required for %s", a.Type)
		}
	case Dispute, DisputeResolved:
		if len(a.InvoiceIDs) == 0 {
			return invalid("invoice_ids", "name the invoices of a %s", a.Type)
		}
		if a.Type == Dispute && strings.TrimSpace(a.Reason) == "" {
			return invalid("reason", "is required for a dispute: why does the customer dispute the invoices?")
		}
	case Pause:
		switch {
		case a.Until.IsZero():
			return invalid("until", "is required for a pause: the last day dunning is paused")
		case a.Until.Before(date.Time):
			return invalid("until", "%s is before the action date %s", a.Until, date)
		case strings.TrimSpace(a.Reason) == "":
			return invalid("reason", "is required for a pause: why is dunning paused?")
		case a.Step != "":
			return invalid("step", "a pause carries out no step of the ladder")
		}
	}
	if a.Outcome != "" {
		if a.Type != Call {
			return invalid("outcome", "only a call has an outcome, not a %s", a.Type)
		}
		if !slices.Contains(CallOutcomes, a.Outcome) {
			return invalid("outcome", "%q: expected reached, no_answer, voicemail or wrong_number", a.Outcome)
		}
	}
	if a.Type != Pause && !a.Until.IsZero() {
		return invalid("until", "only a pause has an end date, not a %s", a.Type)
	}
	if a.Type != Dispute && a.Type != DisputeResolved {
		if a.Reason != "" && a.Type != Pause {
			return invalid("reason", "only a dispute, a dispute_resolved or a pause has a reason, not a %s", a.Type)
		}
		if a.Owner != "" {
			return invalid("owner", "only a dispute or a dispute_resolved has an owner, not a %s", a.Type)
		}
	}
	if utf8.RuneCountInString(a.Reason) > MaxNoteLength {
		return invalid("reason", "longer than %d characters", MaxNoteLength)
	}
	if utf8.RuneCountInString(a.Owner) > MaxOwnerLength {
		return invalid("owner", "longer than %d characters", MaxOwnerLength)
	}
	if !a.PromiseDate.IsZero() && a.PromiseDate.Before(date.Time) {
		return invalid("promise_date", "%s is before the action date %s", a.PromiseDate, date)
	}
	if a.Amount != nil && *a.Amount < 0 {
		return invalid("amount", "must not be negative")
	}
	if utf8.RuneCountInString(a.Note) > MaxNoteLength {
		return invalid("note", "longer than %d characters", MaxNoteLength)
	}
	if a.Step != "" && !p.HasStep(a.Step) {
		return invalid("step", "%q is not a step of the dunning policy", a.Step)
	}
	seen := map[string]bool{}
	for _, id := range a.InvoiceIDs {
		if id == "" || seen[id] {
			return invalid("invoice_ids", "empty or repeated invoice id %q", id)
		}
		seen[id] = true
	}
	return nil
}

// RecordAction validates a and stores it in the action log, with an audit
// log entry, in one transaction. actor is who records it.
func RecordAction(ctx context.Context, db *store.DB, p Policy, a NewAction, actor string, now time.Time) (Action, error) {
	today := creditflow.NewDate(now)
	if err := a.Validate(p, today); err != nil {
		return Action{}, err
	}
	if a.ActionDate.IsZero() {
		a.ActionDate = today
	}
	if a.PromiseDate.IsZero() && len(a.Instalments) > 0 {
		a.PromiseDate = a.Instalments[len(a.Instalments)-1].Date
	}
	a.Reason, a.Owner = strings.TrimSpace(a.Reason), strings.TrimSpace(a.Owner)
	if a.Type == Dispute && a.Owner == "" {
		a.Owner = actor
	}
	var out Action
	err := db.WriteTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, store.Query("customer_count"), a.CustomerID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return invalid("customer_id", "unknown customer %q", a.CustomerID)
		}
		ids := a.InvoiceIDs
		if len(ids) > 0 {
			// Every invoice must be the customer's.
			b, _ := json.Marshal(ids)
			var found int
			if err := tx.QueryRowContext(ctx, store.Query("dunning_action_invoices_found"), a.CustomerID, string(b)).Scan(&found); err != nil {
				return err
			}
			if found != len(ids) {
				return invalid("invoice_ids", "%d of the %d invoices are not invoices of customer %s", len(ids)-found, len(ids), a.CustomerID)
			}
		} else {
			var err error
			if ids, err = overdueInvoiceIDs(ctx, tx, a.CustomerID, a.ActionDate); err != nil {
				return err
			}
		}
		b, _ := json.Marshal(ids)
		if len(a.Instalments) > 0 {
			// The instalments cover at most the overdue amount of the
			// arrangement's invoices.
			var overdue creditflow.Money
			var sum creditflow.Money
			for _, in := range a.Instalments {
				sum += in.Amount
			}
			if err := tx.QueryRowContext(ctx, store.Query("dunning_action_overdue"), a.ActionDate, a.CustomerID, string(b)).Scan(store.Money(&overdue)); err != nil {
				return err
			}
			if sum > overdue {
				return invalid("instalments", "sum %s is more than the %s overdue on the covered invoices", sum, overdue)
			}
		}
		var amount any
		if a.Amount != nil {
			amount = a.Amount.String()
		}
		created := now.UTC()
		err := tx.QueryRowContext(ctx, store.Query("dunning_action_insert"),
			a.CustomerID, string(b), string(a.Type), a.ActionDate, a.PromiseDate, amount, a.Note, a.Step,
			a.Reason, a.Owner, a.Until, string(a.Outcome), actor, created).Scan(&out.ID)
		if err != nil {
			return err
		}
		for i, in := range a.Instalments {
			if _, err := tx.ExecContext(ctx, store.Query("dunning_instalment_insert"), out.ID, i+1, in.Date, in.Amount.String()); err != nil {
				return err
			}
		}
		out = Action{ID: out.ID, CustomerID: a.CustomerID, InvoiceIDs: ids, Type: a.Type, ActionDate: a.ActionDate,
			PromiseDate: a.PromiseDate, Amount: a.Amount, Note: a.Note, Step: a.Step, Reason: a.Reason, Owner: a.Owner, Until: a.Until, Outcome: a.Outcome,
			Instalments: a.Instalments, CreatedBy: actor, CreatedAt: created}
		detail, _ := json.Marshal(out)
		_, err = tx.ExecContext(ctx, store.Query("dunning_action_audit"), created, actor, string(detail))
		return err
	})
	if err != nil {
		return Action{}, fmt.Errorf("record action: %w", err)
	}
	return out, nil
}

// overdueInvoiceIDs are the customer's open invoices past their due date on
// day, oldest due first.
func overdueInvoiceIDs(ctx context.Context, q store.Querier, customerID string, day creditflow.Date) ([]string, error) {
	rows, err := q.QueryContext(ctx, store.Query("customer_overdue_invoice_ids"), day, customerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := []string{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// Actions lists a customer's actions, newest first.
func Actions(ctx context.Context, q store.Querier, customerID string) ([]Action, error) {
	rows, err := q.QueryContext(ctx, store.Query("dunning_actions"), customerID)
	if err != nil {
		return nil, fmt.Errorf("actions of %s: %w", customerID, err)
	}
	defer rows.Close()
	out := []Action{}
	for rows.Next() {
		var a Action
		var ids, typ, outcome string
		var amount creditflow.Money
		var hasAmount bool
		if err := rows.Scan(&a.ID, &a.CustomerID, &ids, &typ, &a.ActionDate, &a.PromiseDate, store.Money(&amount), &hasAmount,
			&a.Note, &a.Step, &a.Reason, &a.Owner, &a.Until, &outcome, &a.CreatedBy, &a.CreatedAt); err != nil {
			return nil, fmt.Errorf("actions of %s: %w", customerID, err)
		}
		a.Type, a.Outcome = ActionType(typ), CallOutcome(outcome)
		if hasAmount {
			a.Amount = &amount
		}
		if err := json.Unmarshal([]byte(ids), &a.InvoiceIDs); err != nil {
			return nil, fmt.Errorf("actions of %s: invoice_ids: %w", customerID, err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("actions of %s: %w", customerID, err)
	}
	if err := attachInstalments(ctx, q, customerID, out); err != nil {
		return nil, fmt.Errorf("actions of %s: instalments: %w", customerID, err)
	}
	return out, nil
}

// attachInstalments fills the instalments of the customer's arrangements
// in acts.
func attachInstalments(ctx context.Context, q store.Querier, customerID string, acts []Action) error {
	rows, err := q.QueryContext(ctx, store.Query("dunning_instalments"), customerID)
	if err != nil {
		return err
	}
	defer rows.Close()
	byID := map[int64][]Instalment{}
	for rows.Next() {
		var id int64
		var in Instalment
		if err := rows.Scan(&id, &in.Date, store.Money(&in.Amount)); err != nil {
			return err
		}
		byID[id] = append(byID[id], in)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for i := range acts {
		acts[i].Instalments = byID[acts[i].ID]
	}
	return nil
}

// ParseNewAction reads a NewAction from one JSON object, naming the field
// of any value that does not parse and refusing unknown fields.
func ParseNewAction(b []byte) (NewAction, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return NewAction{}, fmt.Errorf("%w: body: expected one JSON object: %v", creditflow.ErrInvalid, err)
	}
	var a NewAction
	dest := map[string]any{
		"customer_id": &a.CustomerID, "invoice_ids": &a.InvoiceIDs, "type": &a.Type, "date": &a.ActionDate,
		"promise_date": &a.PromiseDate, "amount": &a.Amount, "note": &a.Note, "step": &a.Step,
		"reason": &a.Reason, "owner": &a.Owner, "instalments": &a.Instalments, "until": &a.Until, "outcome": &a.Outcome,
	}
	for k, v := range fields {
		d, ok := dest[k]
		if !ok {
			return NewAction{}, invalid(k, "unknown field")
		}
		if err := json.Unmarshal(v, d); err != nil {
			return NewAction{}, invalid(k, "%v", strings.TrimPrefix(err.Error(), creditflow.ErrInvalid.Error()+": "))
		}
	}
	return a, nil
}
