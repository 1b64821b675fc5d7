package dunning

import (
	"slices"
	"strings"

	"github.com/creditflow/creditflow"
)

// triggerDay is the day a step's trigger falls on for a cycle that started
// with an invoice dated oldestInvoice and due on oldestDue; prev is the day
// the previous step was done or fell due (zero: none). A step timed from
// the invoice date never falls due before the invoice is overdue.
func triggerDay(t Trigger, prev, oldestDue, oldestInvoice creditflow.Date) creditflow.Date {
	switch {
	case t.DaysAfterPrevious > 0:
		if prev.IsZero() {
			prev = oldestDue
		}
		return prev.AddDays(t.DaysAfterPrevious)
	case t.DaysAfterInvoice > 0:
		if oldestInvoice.IsZero() {
			return oldestDue.AddDays(1)
		}
		due := oldestInvoice.AddDays(t.DaysAfterInvoice)
		if !due.After(oldestDue.Time) {
			due = oldestDue.AddDays(1)
		}
		return due
	}
	return oldestDue.AddDays(t.DaysPastDue)
}

// termsRunOut is the first day after the terms (Step.Term) of the ladder's
// steps done in the cycle ("step@YYYY-MM-DD,...") have all run, each from
// the last day it was done; zero when none was done. No step falls due
// before it: a letter's term is not cut short by the next one.
func termsRunOut(ladder []Step, done string) creditflow.Date {
	var first creditflow.Date
	if done == "" {
		return first
	}
	for part := range strings.SplitSeq(done, ",") {
		name, day, _ := strings.Cut(part, "@")
		i := slices.IndexFunc(ladder, func(s Step) bool { return s.Name == name })
		d, err := creditflow.ParseDate(day)
		if i < 0 || err != nil {
			continue
		}
		if end := d.AddDays(ladder[i].Term() + 1); end.After(first.Time) {
			first = end
		}
	}
	return first
}

// resumeStep is the step a broken arrangement resumes the ladder at, and
// the day it is due since: Policy.ArrangementBrokenStep when the ladder has
// it and it is after the last step done (lastIdx), else the step after the
// last one done; resumed is the day after the missed instalment's grace.
// It waits for the terms of the steps done (termsRunOut). -1 when the
// ladder is done or the step is not yet due on asOf.
func (p Policy) resumeStep(ladder []Step, lastIdx int, done string, resumed, asOf creditflow.Date) (int, creditflow.Date) {
	idx := lastIdx + 1
	if named := slices.IndexFunc(ladder, func(s Step) bool { return s.Name == p.ArrangementBrokenStep }); named > lastIdx {
		idx = named
	}
	if idx >= len(ladder) {
		return -1, creditflow.Date{}
	}
	if end := termsRunOut(ladder, done); resumed.Before(end.Time) {
		resumed = end
	}
	if resumed.After(asOf.Time) {
		return -1, creditflow.Date{}
	}
	return idx, resumed
}
