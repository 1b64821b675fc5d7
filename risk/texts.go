package risk

import (
	"math"
	"strconv"
	"strings"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/present"
)

// The texts of the scores in a language. The engine writes its reasons and
// change sentences in English, which the API answers; a page in Dutch has
// them written again from the numbers the engine kept.

// ChangeSentence is the sentence of a behaviour change in l, amounts in
// currency: in English the one the engine wrote.
func ChangeSentence(l present.Lang, ch creditflow.BehaviourChange, currency string) string {
	if l == present.EN && ch.Sentence != "" {
		return ch.Sentence
	}
	if !ch.Detected {
		return ""
	}
	switch {
	case ch.Kind == ChangeSilence && ch.UnpaidInvoices > 0:
		format := "Paid regularly until %s; nothing paid since, while %d invoices (%s %s) fell due."
		if ch.UnpaidInvoices == 1 {
			format = "Paid regularly until %s; nothing paid since, while %d invoice (%s %s) fell due."
		}
		return l.Tf(format, l.LongDate(ch.ChangeDate), ch.UnpaidInvoices, currency, l.TextAmount(ch.UnpaidAmount))
	case ch.Kind == ChangeSilence:
		return l.Tf("Stopped paying: no payment since %s.", l.LongDate(ch.ChangeDate))
	case ch.Sentence != "":
		// The detector's sentence: usually paid so late until the month
		// of the change, so late since.
		return l.Tf("Usually paid %s until %s, %s since.", daysLatePhraseIn(l, ch.BeforeDays), l.MonthYear(ch.ChangeDate), daysLatePhraseIn(l, ch.AfterDays))
	case ch.Kind == ChangeImproving:
		return l.Tf("Pays %s earlier since %s (%s before, %s now).", daysTextIn(l, ch.ShiftDays), l.Date(ch.ChangeDate),
			lateTextIn(l, ch.BeforeDays), lateTextIn(l, ch.AfterDays))
	}
	return l.Tf("Pays %s later since %s (%s before, %s now).", daysTextIn(l, ch.ShiftDays), l.Date(ch.ChangeDate),
		lateTextIn(l, ch.BeforeDays), lateTextIn(l, ch.AfterDays))
}

// ReasonsIn are the reasons of a score written in l from the customer's
// features f and change ch, amounts in currency; in English, and for a
// reason whose numbers no longer bear it out, the text as the engine wrote
// it.
func ReasonsIn(l present.Lang, reasons []creditflow.Reason, f *Features, ch creditflow.BehaviourChange, currency string) []creditflow.Reason {
	if l == present.EN {
		return reasons
	}
	out := make([]creditflow.Reason, len(reasons))
	for i, r := range reasons {
		out[i] = r
		switch r.Code {
		case "silence", "behaviour_change":
			if s := ChangeSentence(l, ch, currency); s != "" {
				out[i].Text = s
			}
		default:
			if s, ok := reasonText(l, r.Code, f, ch, currency); ok {
				out[i].Text = s
			}
		}
	}
	return out
}

// daysTextIn is daysText in l: "1 day", "23 days"; "1 dag", "23 dagen".
func daysTextIn(l present.Lang, d float64) string {
	n := int(math.Round(math.Abs(d)))
	if n == 1 {
		return l.T("1 day")
	}
	return l.Tf("%d days", n)
}

// lateTextIn is lateText in l.
func lateTextIn(l present.Lang, d float64) string {
	switch n := int(math.Round(d)); {
	case n > 0:
		return l.Tf("%s late", daysTextIn(l, d))
	case n < 0:
		return l.Tf("%s early", daysTextIn(l, d))
	}
	return l.T("on the due date")
}

// daysLatePhraseIn is daysLatePhrase in l.
func daysLatePhraseIn(l present.Lang, x float64) string {
	n := int(math.Round(x))
	switch {
	case n == 0:
		return l.T("on time")
	case n < 0:
		return l.Tf("%s early", daysTextIn(l, float64(-n)))
	}
	return l.Tf("%s late", daysTextIn(l, float64(n)))
}

// oneDecimal writes x with one decimal in l: "1.5", "1,5".
func oneDecimal(l present.Lang, x float64) string {
	s := strconv.FormatFloat(x, 'f', 1, 64)
	if l == present.NL {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

func init() {
	present.AddDutch(map[string]string{
		"all":             "alle",
		"1 day":           "1 dag",
		"%d days":         "%d dagen",
		"%s late":         "%s te laat",
		"%s early":        "%s te vroeg",
		"on the due date": "op de vervaldatum",
		"on time":         "op tijd",
		"Paid regularly until %s; nothing paid since, while %d invoices (%s %s) fell due.":                   "Betaalde geregeld tot %s; sindsdien niets betaald, terwijl %d facturen (%s %s) vervielen.",
		"Paid regularly until %s; nothing paid since, while %d invoice (%s %s) fell due.":                    "Betaalde geregeld tot %s; sindsdien niets betaald, terwijl %d factuur (%s %s) verviel.",
		"Stopped paying: no payment since %s.":                                                               "Betaalt niet meer: geen betaling sinds %s.",
		"Usually paid %s until %s, %s since.":                                                                "Betaalde gewoonlijk %s tot %s, sindsdien %s.",
		"Pays %s earlier since %s (%s before, %s now).":                                                      "Betaalt sinds %[2]s %[1]s eerder (eerst %[3]s, nu %[4]s).",
		"Pays %s later since %s (%s before, %s now).":                                                        "Betaalt sinds %[2]s %[1]s later (eerst %[3]s, nu %[4]s).",
		"Pays %s on average, against %s for %s customers; %s of its invoices late.":                          "Betaalt gemiddeld %s, tegen %s voor %s debiteuren; %s van de facturen te laat.",
		"Pays %s on average, against %s for %s customers.":                                                   "Betaalt gemiddeld %s, tegen %s voor %s debiteuren.",
		"Payments got later over the last year, by about %s every month.":                                    "Betalingen kwamen het afgelopen jaar steeds later, elke maand ongeveer %s.",
		"Paid %s on average on the invoices due in the last 90 days, against %s over the whole history.":     "Betaalde de facturen die de laatste 90 dagen vervielen gemiddeld %s, tegen %s over de hele geschiedenis.",
		"Paid %s on average on the invoices due in the last 90 days, better than %s over the whole history.": "Betaalde de facturen die de laatste 90 dagen vervielen gemiddeld %s, beter dan %s over de hele geschiedenis.",
		"No payment for %s, since %s.":                                                                       "Al %s geen betaling, sinds %s.",
		"%d invoices overdue, %s in all; the oldest %s past due.":                                            "%d facturen vervallen, samen %s; de oudste %s over de vervaldatum.",
		"%d invoice overdue, %s in all; the oldest %s past due.":                                             "%d factuur vervallen, samen %s; de oudste %s over de vervaldatum.",
		"Nothing overdue.": "Niets vervallen.",
		"New customer without payment history: scored like %s customers.":          "Nieuwe debiteur zonder betaalgeschiedenis: beoordeeld als %s debiteuren.",
		"New customer: %d invoices since %s.":                                      "Nieuwe debiteur: %d facturen sinds %s.",
		"Customer since %s, with %d invoices.":                                     "Debiteur sinds %s, met %d facturen.",
		"Pays %s of its invoices in parts (%d of %d).":                             "Betaalt %s van de facturen in delen (%d van %d).",
		"%d of its %d payments reversed (stornering).":                             "%d van de %d betalingen gestorneerd.",
		"%d disputed invoices, %s of them still open.":                             "%d betwiste facturen, waarvan nog %s open.",
		"%d credit notes against %d invoices.":                                     "%d creditnota's tegenover %d facturen.",
		"Owes %s, %s months of its purchases.":                                     "Heeft %s openstaan, %s maanden aan inkopen.",
		"Bought %s in the last 3 months, against %s a quarter over the last year.": "Kocht de laatste 3 maanden voor %s, tegen %s per kwartaal over het afgelopen jaar.",
		"%s customers on %d-day terms pay late more often than most.":              "%s debiteuren met %d dagen betalingstermijn betalen vaker te laat dan de meeste.",
	})
}
