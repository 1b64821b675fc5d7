package dunning

import (
	"cmp"
	"slices"
	"strings"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/present"
)

// WhyNoTask says why a customer has no task on the worklist on asOf, in
// the order the ladder checks (ComputeWorklist): nothing overdue, every
// overdue invoice disputed, the overdue amount below the policy's minimum,
// a promise to pay or an arrangement still running; otherwise the next
// step is not yet due (its trigger day has not come, or the term of a
// letter done has not run: Step.Term), the ladder is done or the customer
// is not chased. A required step the ladder still needs is a task, not a
// reason for having none.
// paused is true for a dispute, promise or arrangement.
//
// items are the customer's open items on asOf and cur the currency code
// of their amounts; actions are the customer's action log, in any order
// (actions dated after asOf are ignored). The minimum amount and the
// promise's grace are decided by the ladder's own rules (taskFor uses
// them too); which invoices are disputed follows the dispute actions up to
// asOf, else the ledger's flag, as sql/dunning_customers.sql does. Amounts
// and counts are written as on the web pages: EUR 1,234.56.
func WhyNoTask(p Policy, asOf creditflow.Date, items []creditflow.OpenItem, actions []Action, cur string) (why string, paused bool) {
	return WhyNoTaskIn(present.EN, p, asOf, items, actions, cur)
}

// WhyNoTaskIn is WhyNoTask written in the language l, with its dates and
// amounts. A pause of dunning (a pause action whose last day is not yet
// past) is a pause too, after a dispute of every invoice and before the
// minimum amount, as the ladder checks it.
func WhyNoTaskIn(l present.Lang, p Policy, asOf creditflow.Date, items []creditflow.OpenItem, actions []Action, cur string) (why string, paused bool) {
	on := l.LongDate(asOf)
	// disputed follows the dispute actions up to the as-of date, else the
	// ledger's flag, as sql/dunning_customers.sql does.
	disputed := map[string]bool{}
	acts := slices.Clone(actions)
	slices.SortStableFunc(acts, func(a, b Action) int {
		if c := a.ActionDate.Compare(b.ActionDate.Time); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	var promise, pause Action
	for _, a := range acts {
		if a.ActionDate.After(asOf.Time) {
			continue
		}
		switch a.Type {
		case Dispute, DisputeResolved:
			for _, id := range a.InvoiceIDs {
				disputed[id] = a.Type == Dispute
			}
		case Pause:
			pause = a
		case PromiseToPay, Arrangement:
			if !a.PromiseDate.IsZero() && !a.PromiseDate.Before(promise.PromiseDate.Time) {
				promise = a
			}
		}
	}
	var overdue, chased int
	var amount creditflow.Money
	for _, it := range items {
		if it.DaysPastDue <= 0 || it.OpenAmount <= 0 {
			continue
		}
		overdue++
		dis, ok := disputed[it.InvoiceID]
		if !ok {
			dis = it.Disputed
		}
		if !dis {
			chased++
			amount += it.OpenAmount
		}
	}
	switch {
	case overdue == 0:
		return l.Tf("Not overdue: no invoice is past due on %s.", on), false
	case chased == 0:
		if overdue == 1 {
			return l.T("Paused by a dispute: the one overdue invoice is disputed."), true
		}
		return l.Tf("Paused by a dispute: all %s overdue invoices are disputed.", l.Count(overdue)), true
	case p.belowMinimum(amount):
		return l.Tf("Not chased: %s overdue is below the policy's minimum of %s.",
			l.Money(cur, amount), l.Money(cur, p.MinAmount)), false
	case !pause.Until.IsZero() && !asOf.After(pause.Until.Time):
		return l.Tf("Dunning paused until %s (since %s): %s. The ladder goes on the day after.",
			l.LongDate(pause.Until), l.LongDate(pause.ActionDate), strings.TrimRight(pause.Reason, ".")), true
	case p.promisePauses(promise.PromiseDate, asOf):
		format := "Paused by a promise to pay by %s (made on %s); the ladder resumes after %s, %d days' grace."
		if promise.Type == Arrangement {
			format = "Paused by a payment arrangement until %s (made on %s); the ladder resumes after %s, %d days' grace."
		}
		return l.Tf(format, l.LongDate(promise.PromiseDate), l.LongDate(promise.ActionDate),
			l.LongDate(p.promiseGraceEnd(promise.PromiseDate)), p.PromiseGraceDays), true
	}
	return l.Tf("No step is due on %s: %s overdue, but the next step of the ladder is not yet due or waits for the term of the last letter, the ladder is done, or the customer is marked do-not-chase.",
		on, l.Money(cur, amount)), false
}
