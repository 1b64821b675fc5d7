package dunning

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/store"
)

// Instalment is one term of a payment arrangement (*betalingsregeling*):
// Amount (EUR) due on Date.
type Instalment struct {
	Date   creditflow.Date  `json:"date"`
	Amount creditflow.Money `json:"amount"`
}

// arrangementState is where a customer's latest arrangement with
// instalments stands on a day.
type arrangementState struct {
	// kept is true while the arrangement runs and no instalment is missed:
	// the ladder pauses.
	kept bool
	// missed says which instalment was missed ("" when none), and
	// missedDue is the day the ladder resumes: the day after the missed
	// instalment's date and grace.
	missed    phrase
	missedDue creditflow.Date
}

// checkArrangement checks c's latest arrangement on asOf. An instalment is
// missed when its date plus graceDays has passed and the customer's
// payments since the arrangement are below the instalments due up to it.
// An arrangement whose instalments were all paid and whose last date has
// passed no longer pauses the ladder.
func checkArrangement(c dunningCustomer, asOf creditflow.Date, graceDays int) arrangementState {
	if c.instalments == "" {
		return arrangementState{}
	}
	inst, err := parseInstalments(c.instalments)
	if err != nil || len(inst) == 0 {
		return arrangementState{}
	}
	var cum creditflow.Money
	for i, in := range inst {
		cum += in.Amount
		deadline := in.Date.AddDays(graceDays)
		if !asOf.After(deadline.Time) {
			return arrangementState{kept: true}
		}
		if c.arrangementPaid < cum {
			n, made, paid, due := len(inst), c.arrangementDate, c.arrangementPaid, cum
			return arrangementState{
				missed: func(w wording) string {
					return w.f("instalment %d of %d (%s due %s) of the arrangement of %s missed: paid %s of %s due",
						i+1, n, w.money(in.Amount), w.date(in.Date), w.date(made), w.money(paid), w.money(due))
				},
				missedDue: deadline.AddDays(1),
			}
		}
	}
	return arrangementState{}
}

// parseInstalments reads "YYYY-MM-DD=amount,..." (sql/dunning_customers.sql).
func parseInstalments(s string) ([]Instalment, error) {
	var out []Instalment
	for part := range strings.SplitSeq(s, ",") {
		d, a, _ := strings.Cut(part, "=")
		date, err := creditflow.ParseDate(d)
		if err != nil {
			return nil, err
		}
		amount, err := creditflow.ParseMoney(a)
		if err != nil {
			return nil, err
		}
		out = append(out, Instalment{Date: date, Amount: amount})
	}
	return out, nil
}

// gateResult is what the required steps make of a proposed step.
type gateResult struct {
	// idx is the step to propose.
	idx int
	// letterRunOut is true when the consumer's 14-day letter of the
	// current cycle has run out (collection costs may be charged).
	letterRunOut bool
	note         phrase
}

// legalGate keeps the required steps (Step.RequiredFor): a step is not
// proposed while a required step before it was not done in the current
// cycle; the first such step is proposed instead, so that catch-up never
// skips the notice of default (*ingebrekestelling*) of a business or the
// 14-day letter (*veertiendagenbrief*, art. 6:96 lid 6 BW) of a consumer.
// That the steps after a required letter wait until its term has run
// (for the 14-day letter: received PostDeliveryDays after it was sent,
// then 14 days, as the letters take it) is kept by termsRunOut. For a
// consumer, letterRunOut says whether the 14-day letter, recognised by its
// letter form (LetterForm), has run out.
func legalGate(ladder []Step, kind creditflow.CustomerKind, idx int, done string, asOf creditflow.Date) gateResult {
	g := gateResult{idx: idx}
	for k := range idx {
		if ladder[k].RequiredFor(kind) && stepDate(done, ladder[k].Name).IsZero() {
			g.idx = k
			required, held := ladder[k].Name, ladder[idx].Name
			g.note = func(w wording) string {
				if !w.human {
					return fmt.Sprintf("the %s is required before %s", required, held)
				}
				return w.f("the %s is required before the %s", w.step(required), w.step(held))
			}
			break
		}
	}
	if kind == creditflow.B2C {
		for _, s := range ladder {
			if s.form() != "veertiendagenbrief" {
				continue
			}
			if sent := stepDate(done, s.Name); !sent.IsZero() && FourteenDayLetterExpired(sent.AddDays(PostDeliveryDays), asOf) {
				g.letterRunOut = true
			}
		}
	}
	return g
}

// stepDate is the last day the step was done in "step@YYYY-MM-DD,..."; zero
// when it was not.
func stepDate(done, name string) creditflow.Date {
	var last creditflow.Date
	for part := range strings.SplitSeq(done, ",") {
		n, day, _ := strings.Cut(part, "@")
		if n != name {
			continue
		}
		if d, err := creditflow.ParseDate(day); err == nil && d.After(last.Time) {
			last = d
		}
	}
	return last
}

// weekdays are the values of the customer attribute preferred_contact_day.
var weekdays = map[string]time.Weekday{
	"monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday,
}

// kindWord is a customer kind as a ladder is named after it: "b2b" for the
// API, "business" or "zakelijke" for people.
func kindWord(w wording, kind creditflow.CustomerKind) string {
	if !w.human {
		return kindName(kind)
	}
	return kindWords[kindOrB2B(kind)].in(w.lang)
}

func kindOrB2B(kind creditflow.CustomerKind) creditflow.CustomerKind {
	if kind == creditflow.B2C {
		return kind
	}
	return creditflow.B2B
}

// kindName is the ladder name of a customer kind.
func kindName(kind creditflow.CustomerKind) string {
	if kind == creditflow.B2C {
		return "b2c"
	}
	return "b2b"
}

// thankYouTasks are the optional thank-you emails of asOf
// (sql/dunning_thank_you.sql): customers who paid after their last dunning
// step, within Policy.EffectWindowDays, have nothing overdue left and were
// not thanked since that step.
func thankYouTasks(ctx context.Context, q store.Querier, asOf creditflow.Date, cur string, p Policy) ([]Task, error) {
	rows, err := q.QueryContext(ctx, store.Query("dunning_thank_you"), asOf, cur, p.EffectWindowDays)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Task
	for rows.Next() {
		var t Task
		var kind, last string
		var lastDate, paidOn creditflow.Date
		if err := rows.Scan(&t.CustomerID, &t.Name, &kind, &last, &lastDate, &paidOn); err != nil {
			return nil, err
		}
		t.Kind = creditflow.CustomerKind(kind)
		t.Step, t.Channel, t.Template = ThankYouStep, Email, kindName(t.Kind)+"_thank_you"
		// The cycle of a thank-you is the step it follows, so that Plan
		// plans it once.
		t.DueSince, t.OldestDue, t.Optional = paidOn, lastDate, true
		t.because(func(w wording) string {
			return w.f("optional: paid on %s after the last step %s on %s, nothing overdue left", w.date(paidOn), w.step(last), w.date(lastDate))
		})
		out = append(out, t)
	}
	return out, rows.Err()
}

// arrangementConfirmationTasks are the letters that confirm a payment
// arrangement with its instalment schedule
// (sql/dunning_arrangement_confirmations.sql): one per arrangement, due from
// the day it was made. The task's cycle is the arrangement's date, so that
// Plan plans it once.
func arrangementConfirmationTasks(ctx context.Context, q store.Querier, asOf creditflow.Date) ([]Task, error) {
	rows, err := q.QueryContext(ctx, store.Query("dunning_arrangement_confirmations"), asOf)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Task
	for rows.Next() {
		var t Task
		var kind, instalments string
		var made creditflow.Date
		if err := rows.Scan(&t.CustomerID, &t.Name, &kind, &made, &instalments); err != nil {
			return nil, err
		}
		inst, err := parseInstalments(instalments)
		if err != nil {
			return nil, fmt.Errorf("arrangement of %s on %s: %w", t.CustomerID, made, err)
		}
		var total creditflow.Money
		for _, in := range inst {
			total += in.Amount
		}
		t.Kind = creditflow.CustomerKind(kind)
		t.Step, t.Channel, t.Template = ArrangementConfirmationStep, Email, kindName(t.Kind)+"_arrangement_confirmation"
		t.DueSince, t.OldestDue = made, made
		n, first := len(inst), inst[0].Date
		t.because(func(w wording) string {
			return w.f("confirm the payment arrangement of %s: %s, %s in total, the first on %s",
				w.date(made), w.plural(n, "%d instalment", "%d instalments"), w.money(total), w.date(first))
		})
		out = append(out, t)
	}
	return out, rows.Err()
}
