package dunning

import (
	"strings"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/present"
)

// A task's reason is made of phrases, each written when it is read: in the
// API's form (Task.Reason: English, amounts as 1234.56, ISO dates and the
// steps by name) or for people in a language (Task.ReasonIn: the steps in
// words, money with its currency, dates as the language writes them).

// phrase is one part of a reason.
type phrase func(w wording) string

// wording is how a reason is written.
type wording struct {
	lang present.Lang
	// cur is the currency of the amounts; human writes for people, else
	// for the API.
	cur   string
	human bool
}

// apiWording is the wording of Task.Reason and Advice.Reason.
var apiWording = wording{lang: present.EN}

// f is the text en in the wording's language, filled in as fmt.Sprintf does.
func (w wording) f(en string, args ...any) string { return w.lang.Tf(en, args...) }

// plural is one when n is 1, else many, filled in with n.
func (w wording) plural(n int, one, many string) string {
	if n == 1 {
		return w.lang.Tf(one, n)
	}
	return w.lang.Tf(many, n)
}

func (w wording) money(m creditflow.Money) string {
	if w.human {
		return w.lang.Money(w.cur, m)
	}
	return present.EN.Plain(m)
}

func (w wording) date(d creditflow.Date) string {
	if w.human {
		return w.lang.Date(d)
	}
	return d.String()
}

func (w wording) step(name string) string {
	if w.human {
		return StepWord(w.lang, name)
	}
	return name
}

func (w wording) invoices(n int) string { return w.plural(n, "%d invoice", "%d invoices") }
func (w wording) days(n int) string     { return w.plural(n, "%d day", "%d days") }

// because adds p to the task's reason.
func (t *Task) because(p phrase) {
	t.why = append(t.why, p)
	t.Reason = t.write(apiWording)
}

func (t Task) write(w wording) string {
	parts := make([]string, 0, len(t.why))
	for _, p := range t.why {
		parts = append(parts, p(w))
	}
	return strings.Join(parts, "; ")
}

// ReasonIn is why the task is due, for people in l, with the amounts in
// the currency cur (the worklist's): "oldest overdue invoice 12 days past
// due (1 invoice, EUR 4,030.05 overdue)"; in Dutch "oudste openstaande
// factuur 12 dagen over de vervaldatum (1 factuur, € 4.030,05 achterstallig)".
// A task that was not computed here (read back from JSON) has its Reason.
func (t Task) ReasonIn(l present.Lang, cur string) string {
	if len(t.why) == 0 {
		return t.Reason
	}
	return t.write(wording{lang: l, cur: cur, human: true})
}

// ReasonIn is the advice's reason for people in l, amounts in cur.
func (a Advice) ReasonIn(l present.Lang, cur string) string {
	if a.why == nil {
		return a.Reason
	}
	return a.why(wording{lang: l, cur: cur, human: true})
}

func init() {
	present.AddDutch(map[string]string{
		"%d invoice":           "%d factuur",
		"%d invoices":          "%d facturen",
		"%d day":               "%d dag",
		"%d days":              "%d dagen",
		"%d disputed invoice":  "%d betwiste factuur",
		"%d disputed invoices": "%d betwiste facturen",
		"%d instalment":        "%d termijn",
		"%d instalments":       "%d termijnen",
		"%d call":              "%d gesprek",
		"%d calls":             "%d gesprekken",

		"oldest overdue invoice %s past due (%s, %s overdue)": "oudste factuur %s over de vervaldatum (%s, %s achterstallig)",
		"last step %s on %s":               "laatste stap %s op %s",
		"caught up past %s":                "ingehaald voorbij %s",
		"%s (%s) paused":                   "%s (%s) aangehouden",
		"the %s is required before the %s": "de %s is vereist vóór de %s",
		"interest not computed: %s":        "rente niet berekend: %s",
		"customer attribute dunning_ladder %q is not a ladder of the policy; the %s ladder is used": "klantkenmerk dunning_ladder %q is geen ladder van het beleid; de %s ladder wordt gebruikt",
		"customer attribute preferred_contact_day %q is not a weekday monday..friday, ignored":      "klantkenmerk preferred_contact_day %q is geen werkdag maandag..vrijdag en wordt genegeerd",
		"call deferred to the customer's preferred contact day, %s %s":                              "gesprek uitgesteld tot de voorkeursdag van de debiteur, %s %s",
		"call deferred: the day's capacity of %s is taken by higher priorities":                     "gesprek uitgesteld: de belcapaciteit van de dag (%s) gaat naar hogere prioriteiten",
		"instalment %d of %d (%s due %s) of the arrangement of %s missed: paid %s of %s due":        "termijn %d van %d (%s, te betalen op %s) van de betalingsregeling van %s gemist: %s betaald van %s verschuldigd",
		"optional: paid on %s after the last step %s on %s, nothing overdue left":                   "optioneel: betaald op %s na de laatste stap %s op %s, niets meer achterstallig",
		"confirm the payment arrangement of %s: %s, %s in total, the first on %s":                   "betalingsregeling van %s bevestigen: %s, %s in totaal, de eerste op %s",
		"promise of %s to pay %s by %s covers %s (%s), paused until %s":                             "betalingsbelofte van %s om %s te betalen vóór %s dekt %s (%s), aangehouden tot %s",
		"%s paid towards it":                            "%s daarvan betaald",
		"promise to pay %s by %s kept":                  "betalingsbelofte om %s te betalen vóór %s nagekomen",
		"promise to pay %s by %s broken: %s paid by %s": "betalingsbelofte om %s te betalen vóór %s verbroken: %s betaald op %s",
		"promise to pay by %s broken":                   "betalingsbelofte om te betalen vóór %s verbroken",
		"hand over: %s":                                 "overdragen aan incassobureau: %s",
		"keep: %s":                                      "zelf houden: %s",
		"write-off review: %s":                          "beoordelen voor afboeking: %s",
		"claim %s (chance of paying very late or not at all %s%s): agency expected to recover %s after fees, keeping %s": "vordering %s (kans op zeer late of geen betaling %s%s): incassobureau haalt naar verwachting %s binnen na kosten, zelf houden %s",
		", silent customer": ", debiteur reageert niet",
	})
}
