package dunning

import (
	"github.com/creditflow/creditflow"
)

// promiseState is the promise to pay that counts for a customer on a day
// (sql/dunning_customers.sql): of the promises to pay and the arrangements
// without instalments, the one with the latest promised date.
type promiseState struct {
	// date is the promised date (zero: no promise) and made the day the
	// promise was made.
	date, made creditflow.Date
	// amount is the promised amount (EUR) when hasAmount; paid is what
	// the customer paid from made up to the as-of date or the end of the
	// grace, whichever comes first, reversals subtracted.
	amount    creditflow.Money
	hasAmount bool
	paid      creditflow.Money
	// invoices are the chased overdue invoices a promise with an amount
	// covers and covered their open amount (EUR); oldestDueLeft and
	// meanDueLeft are the oldest and the amount-weighted mean due date of
	// the chased invoices it leaves on the ladder.
	invoices                   int
	covered                    creditflow.Money
	oldestDueLeft, meanDueLeft creditflow.Date
}

// applyPromise takes what a running promise covers off c, and reports
// whether anything is left to chase. A promise without an amount covers
// the customer whole, as promises did before they named amounts. One with
// an amount covers only the oldest invoices that it pays in full; the rest
// stays on the ladder with its own amount, count and oldest due date,
// unless that rest is below the policy's minimum.
func (c *dunningCustomer) applyPromise(p Policy) bool {
	if !c.promise.hasAmount {
		return false
	}
	c.invoices -= c.promise.invoices
	c.amount -= c.promise.covered
	c.oldestDue, c.meanDue = c.promise.oldestDueLeft, c.promise.meanDueLeft
	return c.invoices > 0 && !p.belowMinimum(c.amount)
}

// kept reports whether the promise's amount was paid within its window.
func (s promiseState) kept() bool {
	return s.hasAmount && s.paid >= s.amount
}

// note is what the worklist's reason says of the promise: what a running
// promise covers, or whether a promise whose grace ended on graceEnd was
// kept; "" when there is nothing to say. A promise that ended is judged only
// while the invoices chased were due before its promised date (oldestDue),
// so that an old promise is not brought up for invoices made since.
func (s promiseState) note(running bool, oldestDue, graceEnd creditflow.Date) phrase {
	switch {
	case s.date.IsZero():
		return nil
	case running && s.hasAmount:
		return func(w wording) string {
			note := w.f("promise of %s to pay %s by %s covers %s (%s), paused until %s",
				w.date(s.made), w.money(s.amount), w.date(s.date), w.invoices(s.invoices), w.money(s.covered), w.date(graceEnd))
			if s.paid != 0 {
				note += "; " + w.f("%s paid towards it", w.money(s.paid))
			}
			return note
		}
	case running || s.date.Before(oldestDue.Time):
		return nil
	case s.kept():
		return func(w wording) string { return w.f("promise to pay %s by %s kept", w.money(s.amount), w.date(s.date)) }
	case s.hasAmount:
		return func(w wording) string {
			return w.f("promise to pay %s by %s broken: %s paid by %s", w.money(s.amount), w.date(s.date), w.money(s.paid), w.date(graceEnd))
		}
	}
	return func(w wording) string { return w.f("promise to pay by %s broken", w.date(s.date)) }
}
