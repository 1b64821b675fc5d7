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

// ReasonsIn are the reasons of a score written in l from the customer's
// features f and change ch, amounts in currency; changeText is the
// sentence of the change in l (view.ChangeSentence), which the reasons of
// a change are. In English, and for a reason whose numbers no longer bear
// it out, the text is as the engine wrote it.
func ReasonsIn(l present.Lang, reasons []creditflow.Reason, f *Features, ch creditflow.BehaviourChange, currency, changeText string) []creditflow.Reason {
	if l == present.EN {
		return reasons
	}
	out := make([]creditflow.Reason, len(reasons))
	for i, r := range reasons {
		out[i] = r
		switch r.Code {
		case "silence", "behaviour_change", "behaviour_improving":
			if changeText != "" {
				out[i].Text = changeText
			}
		default:
			if s, ok := reasonText(l, r.Code, f, ch, currency, changeText); ok {
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
