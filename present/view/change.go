package view

import (
	"math"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/present"
)

// ChangeKind names the kind of a behaviour change in l: "Pays later",
// "Pays earlier", "Stopped paying"; in Dutch "Betaalt later" ...
func ChangeKind(l present.Lang, kind string) string {
	switch kind {
	case "worsening":
		return l.T("Pays later")
	case "improving":
		return l.T("Pays earlier")
	case "silence":
		return l.T("Stopped paying")
	}
	return l.T("Changed")
}

// ChangeSentence says in l what changed in a customer's payments, from the
// figures of the change; money is in cur. In English it is the sentence
// the change came with, when it has one.
func ChangeSentence(l present.Lang, ch creditflow.BehaviourChange, cur string) string {
	if l != present.NL && ch.Sentence != "" {
		return ch.Sentence
	}
	switch ch.Kind {
	case "silence":
		switch {
		case ch.UnpaidInvoices == 1:
			return l.Tf("Paid regularly until %s; nothing paid since, while 1 invoice (%s) fell due.",
				l.LongDate(ch.ChangeDate), l.TextMoney(cur, ch.UnpaidAmount))
		case ch.UnpaidInvoices > 1:
			return l.Tf("Paid regularly until %s; nothing paid since, while %s invoices (%s) fell due.",
				l.LongDate(ch.ChangeDate), l.Count(ch.UnpaidInvoices), l.TextMoney(cur, ch.UnpaidAmount))
		}
		return l.Tf("Paid regularly until %s; nothing paid since.", l.LongDate(ch.ChangeDate))
	case "worsening", "improving":
		return l.Tf("Usually paid %s until %s, %s since.",
			DaysLatePhrase(l, ch.BeforeDays), l.MonthYear(ch.ChangeDate), DaysLatePhrase(l, ch.AfterDays))
	}
	return l.T("The customer's payment behaviour changed.")
}

// DaysLatePhrase says x days late in words: "4 days late", "on time",
// "3 days early"; in Dutch "4 dagen te laat", "op tijd".
func DaysLatePhrase(l present.Lang, x float64) string {
	n := int(math.Round(x))
	switch {
	case n == 0:
		return l.T("on time")
	case n == 1:
		return l.T("1 day late")
	case n == -1:
		return l.T("1 day early")
	case n < 0:
		return l.Tf("%s days early", l.Count(-n))
	}
	return l.Tf("%s days late", l.Count(n))
}
