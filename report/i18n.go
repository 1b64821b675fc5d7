package report

import "github.com/creditflow/creditflow/present"

// The Dutch of the weekly report: its page, its workbook and its mail. The
// words it shares with the pages are the same as theirs.
func init() {
	present.AddDutch(map[string]string{
		// The mail.
		"creditflow weekly report %s":         "creditflow weekrapportage %s",
		"Weekly receivables report as of %s.": "Weekrapportage debiteuren per %s.",
		"Expected cash next week":             "Verwachte ontvangsten volgende week",
		"%s since last week":                  "%s sinds vorige week",
		"The report is attached: report.html opens in any browser, offline; report.xlsx holds the same tables.": "Het rapport zit in de bijlage: report.html opent in elke browser, ook offline; report.xlsx bevat dezelfde tabellen.",

		// The headline.
		"Weekly receivables report":           "Weekrapportage debiteuren",
		"Generated %s":                        "Gemaakt op %s",
		"Receivables and cash forecast on %s": "Debiteuren en liquiditeitsprognose per %s",
		"amounts in %s":                       "bedragen in %s",
		"Headline figures":                    "Kerncijfers",
		"Expected cash, 13 weeks":             "Verwachte ontvangsten, 13 weken",
		"next week %s":                        "volgende week %s",
		"weekly P10s add up to %s":            "de wekelijkse P10's tellen op tot %s",
		"Open receivables":                    "Openstaande vorderingen",
		"%s open item":                        "%s openstaande post",
		"%s open items":                       "%s openstaande posten",
		"%s customer":                         "%s debiteur",
		"%s customers":                        "%s debiteuren",
		"Overdue":                             "Vervallen",
		"%s of open receivables":              "%s van de openstaande vorderingen",
		"DSO":                                 "DSO",
		"Risk alerts":                         "Risicosignaleringen",
		"%s changed in the last 4 weeks":      "%s veranderd in de laatste 4 weken",

		// The forecast.
		"Cash forecast, next 13 weeks": "Liquiditeitsprognose, komende 13 weken",
		"Expected receipts per week from invoices open today and from invoices not yet sent; the band runs from P10 to P90 of the simulated outcomes.": "Verwachte ontvangsten per week uit facturen die vandaag openstaan en uit nog niet verstuurde facturen; de band loopt van P10 tot P90 van de gesimuleerde uitkomsten.",
		"Week":               "Week",
		"From":               "Van",
		"To":                 "Tot en met",
		"Expected":           "Verwacht",
		"From open invoices": "Uit openstaande facturen",
		"From new invoices":  "Uit nieuwe facturen",
		"%s week":            "%s week",
		"%s weeks":           "%s weken",
		"No forecast: the ledger has nothing to forecast from.": "Geen prognose: de administratie heeft niets om een prognose op te baseren.",
		"P10–P90 band": "P10–P90-band",
		"Median (P50)": "Mediaan (P50)",

		// The aging.
		"Aging": "Ouderdomsanalyse",
		"Open receivables on %s by days past due.": "Openstaande vorderingen op %s naar dagen over de vervaldatum.",
		"Days past due":    "Dagen over vervaldatum",
		"Open amount":      "Openstaand bedrag",
		"Invoices":         "Facturen",
		"Share":            "Aandeel",
		"Open total":       "Totaal openstaand",
		"Unapplied credit": "Niet-afgeletterd tegoed",

		// The indicators.
		"Indicators and their change since last week":                                     "Kerncijfers en hun verandering sinds vorige week",
		"On %s against seven days earlier, amounts in %s; green is better, red is worse.": "Op %s tegenover zeven dagen eerder, bedragen in %s; groen is beter, rood is slechter.",
		"Indicator":                  "Kerncijfer",
		"Now":                        "Nu",
		"A week ago":                 "Een week geleden",
		"Change":                     "Verandering",
		"Unit":                       "Eenheid",
		"days":                       "dagen",
		"percent":                    "procent",
		"number":                     "aantal",
		"pp":                         "procentpunt",
		"Overdue share":              "Aandeel vervallen",
		"Open items":                 "Openstaande posten",
		"DSO (countback)":            "DSO (countback-methode)",
		"Best-possible DSO":          "Best mogelijke DSO",
		"ADD (days delinquent)":      "ADD (dagen te laat)",
		"CEI 30 days":                "CEI 30 dagen",
		"CEI 90 days":                "CEI 90 dagen",
		"Weighted days to pay":       "Gewogen betaaldagen",
		"Weighted days beyond terms": "Gewogen dagen na de vervaldatum",

		// The alerts.
		"Newest risk alerts": "Nieuwste risicosignaleringen",
		"Customers whose payment behaviour changed, the most recent change first.": "Debiteuren van wie het betaalgedrag veranderde, de meest recente verandering eerst.",
		"The %d newest of %d; the workbook lists them all.":                        "De %d nieuwste van %d; de werkmap bevat ze allemaal.",
		"Changed around":  "Veranderd rond",
		"Detected on":     "Gesignaleerd op",
		"Customer":        "Debiteur",
		"Customer number": "Debiteurnummer",
		"Kind":            "Soort",
		"Exposure":        "Openstaand saldo",
		"What changed":    "Wat er veranderde",
		"Shift (days)":    "Verschuiving (dagen)",
		"No risk alerts.": "Geen risicosignaleringen.",

		// The customers.
		"Top customers by expected cash": "Debiteuren met de grootste verwachte ontvangsten",
		"What each customer is expected to pay in the next 13 weeks, against what it owes today.": "Wat elke debiteur naar verwachting in de komende 13 weken betaalt, tegenover wat hij vandaag verschuldigd is.",
		"Expected, 13 weeks": "Verwacht, 13 weken",
		"Open today":         "Vandaag openstaand",
		"Expected / open":    "Verwacht / openstaand",
		"No customer is expected to pay in the next 13 weeks.": "Van geen enkele debiteur wordt in de komende 13 weken een betaling verwacht.",

		// The worklist.
		"Collection worklist": "Werklijst debiteurenbeheer",
		"The first actions of the collection worklist, by the expected cash they bring forward.": "De eerste acties van de werklijst, naar de ontvangsten die ze naar verwachting vervroegen.",
		"Next action":                           "Volgende actie",
		"Due on":                                "Vervallen op",
		"Week start":                            "Begin van de week",
		"Week end":                              "Einde van de week",
		"Friendly reminder":                     "Betalingsherinnering",
		"Second reminder with statement":        "Tweede herinnering met rekeningoverzicht",
		"Reminder call":                         "Telefonische herinnering",
		"Formal reminder (aanmaning)":           "Aanmaning",
		"Last call":                             "Laatste belpoging",
		"Notice of default (ingebrekestelling)": "Ingebrekestelling",
		"Handover to a collection agency":       "Overdracht aan incassobureau",
		"Reminder":                              "Herinnering",
		"Fourteen-day letter (veertiendagenbrief)": "Veertiendagenbrief",
		"email":  "e-mail",
		"letter": "brief",
		"phone":  "telefoon",

		// The sheets of the workbook.
		"Forecast":      "Prognose",
		"KPIs":          "Kerncijfers",
		"Alerts":        "Signaleringen",
		"Top customers": "Grootste debiteuren",
		"Worklist":      "Werklijst",
	})
}
