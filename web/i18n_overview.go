package web

import "github.com/creditflow/creditflow/present"

// The Dutch of the overview (/): its indicators, charts and tables, and
// the words the other dashboards share with it.
func init() {
	present.AddDutch(map[string]string{
		"Receivables on %s": "Debiteuren per %s",
		"amounts in %s":     "bedragen in %s",
		"Amounts in %s.":    "Bedragen in %s.",

		// The indicators.
		"Open receivables": "Openstaande vorderingen",
		"%s open item":     "%s openstaande post",
		"%s open items":    "%s openstaande posten",
		"%s customer":      "%s debiteur",
		"%s customers":     "%s debiteuren",
		"customer":         "debiteur",
		"customers":        "debiteuren",
		"Everything invoiced and not yet paid on the as-of date.": "Alles wat op de peildatum gefactureerd en nog niet betaald is.",
		"Overdue":                            "Vervallen",
		"%s of open receivables":             "%s van de openstaande vorderingen",
		"The open amount past its due date.": "Het openstaande bedrag waarvan de vervaldatum verstreken is.",
		"Unapplied credit":                   "Niet-afgeletterd tegoed",
		"payments and credit notes not matched to an invoice":                                             "betalingen en creditnota's die nog niet op een factuur zijn afgeletterd",
		"Received or credited, not yet set against an open invoice; it lowers what customers really owe.": "Ontvangen of gecrediteerd, maar nog niet met een openstaande factuur verrekend; het verlaagt wat debiteuren werkelijk verschuldigd zijn.",
		"DSO":                                "DSO",
		"days sales outstanding (countback)": "gemiddelde krediettermijn in dagen omzet (countback-methode)",
		"How many days of the most recent sales the open receivables make up.": "DSO (days sales outstanding): met hoeveel dagen van de meest recente omzet de openstaande vorderingen overeenkomen.",
		"Best-possible DSO":                               "Best mogelijke DSO",
		"DSO of the part not yet due":                     "DSO van het deel dat nog niet vervallen is",
		"The DSO if every customer paid on its due date.": "De DSO als elke debiteur op de vervaldatum betaalde.",
		"ADD": "ADD",
		"average days delinquent (DSO − best-possible)": "gemiddeld aantal dagen te laat (DSO − best mogelijke)",
		"The days that late payment adds to DSO.":       "ADD (average days delinquent): de dagen die te late betaling aan de DSO toevoegt.",
		"CEI 30 / 90 days":                              "CEI 30 / 90 dagen",
		"collection effectiveness index":                "inningseffectiviteit (collection effectiveness index)",
		"Share of what was collectable in the last 30 and 90 days that was collected; 100% is everything.": "Deel van wat in de laatste 30 en 90 dagen te innen was dat ook geïnd is; 100% is alles.",
		"Days to pay / late": "Betaaldagen / te laat",
		"amount-weighted, invoices settled in the last 90 days":                                "naar bedrag gewogen, facturen voldaan in de laatste 90 dagen",
		"Days from invoice date to payment, and from due date to payment, weighted by amount.": "Dagen van factuurdatum tot betaling, en van vervaldatum tot betaling, gewogen naar bedrag.",

		// The charts.
		"Aging over the last 12 months":                                   "Ouderdom over de laatste 12 maanden",
		"Open receivables at each month-end and on %s, by days past due.": "Openstaande vorderingen aan elk maandeinde en op %s, naar dagen over de vervaldatum.",
		"Aging by segment":                                                "Ouderdom per segment",
		"The largest segments by open amount, on %s.":                     "De grootste segmenten naar openstaand bedrag, op %s.",
		"(no segment)": "(geen segment)",

		// The tables.
		"Top customers by open amount": "Grootste debiteuren naar openstaand bedrag",
		"Amounts in %s; the buckets are days past due. A name opens the customer's page.": "Bedragen in %s; de kolommen zijn dagen over de vervaldatum. Een naam opent de pagina van de debiteur.",
		"All customers (JSON)": "Alle debiteuren (JSON)",
		"Customer":             "Debiteur",
		"Open":                 "Openstaand",
		"Mix":                  "Verdeling",
		"No customer has anything open on this date.": "Geen enkele debiteur heeft op deze datum iets openstaan.",
		"Open items, longest overdue first":           "Openstaande posten, langst vervallen eerst",
		"%s of %s open items":                         "%s van %s openstaande posten",
		"All open items (JSON)":                       "Alle openstaande posten (JSON)",
		"Disputed":                                    "Betwist",
		"disputed":                                    "betwist",
		"Nothing is open on this date.":               "Op deze datum staat niets open.",
	})
}
