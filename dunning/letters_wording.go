package dunning

import (
	"fmt"
	"strings"
	"text/template"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/present"
)

// word executes the letter's wording from the language's templates.
func (l *DunningLetter) word(t *template.Template) error {
	exec := func(name string) (string, error) {
		if t.Lookup(name) == nil {
			return "", nil
		}
		var b strings.Builder
		if err := t.ExecuteTemplate(&b, name, l); err != nil {
			return "", err
		}
		return b.String(), nil
	}
	subject, err := exec(l.Form + "_subject")
	if err != nil {
		return err
	}
	if subject == "" {
		return fmt.Errorf("no template %s_subject for language %s", l.Form, l.Language)
	}
	body, err := exec(l.Form + "_body")
	if err != nil {
		return err
	}
	after, err := exec(l.Form + "_after")
	if err != nil {
		return err
	}
	l.Subject = strings.Join(strings.Fields(subject), " ")
	l.Body, l.After = paragraphs(body), paragraphs(after)
	return nil
}

// paragraphs splits text at blank lines and joins the lines of each
// paragraph with a space.
func paragraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if s := strings.Join(strings.Fields(p), " "); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// letterFuncs are the formatting functions of the templates, for lang.
func letterFuncs(lang Language) template.FuncMap {
	return template.FuncMap{
		"money": lang.lang().Euro,
		"date":  lang.lang().LongDate,
	}
}

// lang is the number and date formats of the letter's language: Dutch
// unless English.
func (l Language) lang() present.Lang {
	if l == English {
		return present.EN
	}
	return present.NL
}

// letterLabels are the fixed words of the layout.
type letterLabels struct {
	Date, Reference, To, Statement, Invoice, InvoiceDate, DueDate, Open, DaysOverdue,
	Disputed, Promised, StatementTotal, Principal, Interest, Costs, Total, AnnouncedInterest, AnnouncedCosts,
	BusinessInterest, AnnouncedBusinessInterest,
	Payment, Salutation, Closing, KvK, IBAN, BIC, Email, Footer string
	Schedule, Instalment, InstalmentDate, InstalmentAmount, ArrangementTotal string
}

var labels = map[Language]letterLabels{
	Dutch: {
		Date: "Datum", Reference: "Betalingskenmerk", To: "Aan", Statement: "Rekeningoverzicht", Invoice: "Factuur",
		InvoiceDate: "Factuurdatum", DueDate: "Vervaldatum", Open: "Openstaand", DaysOverdue: "Dagen te laat",
		Disputed: "betwist", Promised: "betalingsbelofte", StatementTotal: "Totaal openstaand", Principal: "Vervallen hoofdsom",
		Interest: "Wettelijke rente tot heden", Costs: "Buitengerechtelijke incassokosten", Total: "Totaal te betalen",
		AnnouncedInterest:         "Wettelijke rente tot heden (nog niet in rekening gebracht)",
		BusinessInterest:          "Wettelijke handelsrente tot heden",
		AnnouncedBusinessInterest: "Wettelijke handelsrente tot heden (nog niet in rekening gebracht)",
		AnnouncedCosts:            "Incassokosten bij niet tijdig betalen (nog niet in rekening gebracht)",
		Payment:                   "Betaalgegevens", Salutation: "Geachte heer/mevrouw,", Closing: "Met vriendelijke groet,",
		KvK: "KvK", IBAN: "IBAN", BIC: "BIC", Email: "E-mail",
		Footer:   "Heeft u inmiddels betaald? Dan kunt u deze brief als niet verzonden beschouwen.",
		Schedule: "Betalingsschema", Instalment: "Termijn", InstalmentDate: "Uiterlijk op", InstalmentAmount: "Bedrag",
		ArrangementTotal: "Totaal van de regeling",
	},
	English: {
		Date: "Date", Reference: "Payment reference", To: "To", Statement: "Account statement", Invoice: "Invoice",
		InvoiceDate: "Invoice date", DueDate: "Due date", Open: "Open amount", DaysOverdue: "Days overdue",
		Disputed: "disputed", Promised: "promised", StatementTotal: "Total open", Principal: "Overdue principal",
		Interest: "Statutory interest to date", Costs: "Extrajudicial collection costs", Total: "Total due",
		AnnouncedInterest:         "Statutory interest to date (not yet charged)",
		BusinessInterest:          "Statutory commercial interest to date",
		AnnouncedBusinessInterest: "Statutory commercial interest to date (not yet charged)",
		AnnouncedCosts:            "Collection costs if not paid in time (not yet charged)",
		Payment:                   "Payment details", Salutation: "Dear Sir or Madam,", Closing: "Kind regards,",
		KvK: "Chamber of Commerce (KvK)", IBAN: "IBAN", BIC: "BIC", Email: "Email",
		Footer:   "If you have paid in the meantime, please disregard this letter.",
		Schedule: "Payment schedule", Instalment: "Instalment", InstalmentDate: "Due by", InstalmentAmount: "Amount",
		ArrangementTotal: "Total of the arrangement",
	},
}

// formNames name the letter forms in a sentence, per language.
var formNames = map[Language]map[string]string{
	Dutch: {"friendly_reminder": "een herinnering", "second_reminder": "een tweede herinnering", "aanmaning": "een aanmaning",
		"veertiendagenbrief": "een veertiendagenbrief", "ingebrekestelling": "een ingebrekestelling",
		"handover": "een aankondiging van overdracht aan een incassobureau"},
	English: {"friendly_reminder": "a reminder", "second_reminder": "a second reminder", "aanmaning": "a formal reminder",
		"veertiendagenbrief": "a 14-day letter", "ingebrekestelling": "a notice of default",
		"handover": "a notice of hand-over to a collection agency"},
}

// EarlierText is the sentence that names the letters sent earlier in the
// cycle, with their dates; "" when none was sent.
func (l DunningLetter) EarlierText() string {
	if len(l.Earlier) == 0 {
		return ""
	}
	lang := l.Language.lang()
	parts := make([]string, len(l.Earlier))
	for i, e := range l.Earlier {
		name := formNames[l.Language][e.Form]
		if l.Language == English {
			parts[i] = name + " on " + lang.LongDate(e.Date)
		} else {
			parts[i] = name + " op " + lang.LongDate(e.Date)
		}
	}
	and := " en "
	if l.Language == English {
		and = " and "
	}
	list := parts[0]
	if n := len(parts); n > 1 {
		list = strings.Join(parts[:n-1], ", ") + and + parts[n-1]
	}
	if l.Language == English {
		return "We sent you " + list + "."
	}
	return "Wij stuurden u " + list + "."
}

// amountRow is one row of the letter's amounts.
type amountRow struct {
	Label, Amount string
	Strong        bool
}

// amountRows are the amounts block of the letter.
func (l DunningLetter) amountRows() []amountRow {
	lb := labels[l.Language]
	if l.Kind != creditflow.B2C {
		// Businesses owe the commercial rate (handelsrente).
		lb.Interest, lb.AnnouncedInterest = lb.BusinessInterest, lb.AnnouncedBusinessInterest
	}
	m := l.Language.lang().Euro
	if l.Form == "arrangement_confirmation" {
		return []amountRow{{Label: lb.ArrangementTotal, Amount: m(l.Total), Strong: true}}
	}
	rows := []amountRow{{Label: lb.Principal, Amount: m(l.Principal)}}
	switch l.Charging {
	case ChargeClaim:
		rows = append(rows, amountRow{Label: lb.Interest, Amount: m(l.Interest)}, amountRow{Label: lb.Costs, Amount: m(l.Costs)})
	case ChargeAnnounce:
		if l.Interest != 0 {
			rows = append(rows, amountRow{Label: lb.AnnouncedInterest, Amount: m(l.Interest)})
		}
		rows = append(rows, amountRow{Label: lb.AnnouncedCosts, Amount: m(l.Costs)})
	}
	return append(rows, amountRow{Label: lb.Total, Amount: m(l.Total), Strong: true})
}

// paymentText is the sentence that says how and by when to pay.
func (l DunningLetter) paymentText() string {
	m := l.Language.lang().Euro(l.Total)
	c := l.Creditor
	if l.Form == "arrangement_confirmation" {
		if l.Language == English {
			return fmt.Sprintf("Please transfer each instalment by its date to IBAN %s (BIC %s) in the name of %s, quoting payment reference %s.",
				c.IBAN, c.BIC, c.Name, l.Reference)
		}
		return fmt.Sprintf("Wij verzoeken u elke termijn uiterlijk op de genoemde datum over te maken op IBAN %s (BIC %s) ten name van %s, onder vermelding van betalingskenmerk %s.",
			c.IBAN, c.BIC, c.Name, l.Reference)
	}
	if l.Language == English {
		by := "by " + l.Language.lang().LongDate(l.Deadline)
		if l.Deadline.IsZero() {
			by = fmt.Sprintf("within %d days of the day after you receive this letter", l.TermDays)
		}
		return fmt.Sprintf("Please transfer %s %s to IBAN %s (BIC %s) in the name of %s, quoting payment reference %s.",
			m, by, c.IBAN, c.BIC, c.Name, l.Reference)
	}
	by := "uiterlijk " + l.Language.lang().LongDate(l.Deadline)
	if l.Deadline.IsZero() {
		by = fmt.Sprintf("binnen %d dagen na de dag van ontvangst van deze brief", l.TermDays)
	}
	return fmt.Sprintf("Wij verzoeken u %s %s over te maken op IBAN %s (BIC %s) ten name van %s, onder vermelding van betalingskenmerk %s.",
		m, by, c.IBAN, c.BIC, c.Name, l.Reference)
}
