package web

import "github.com/creditflow/creditflow/present"

// The Dutch of the payment-risk overview (/risk).
func init() {
	present.AddDutch(map[string]string{
		"scores": "risicoscores",
		"Recomputing after the last booked payment; these figures are from before it. Reload in a few seconds.": "Wordt opnieuw berekend na de laatst geboekte betaling; deze cijfers zijn van daarvoor. Laad de pagina over een paar seconden opnieuw.",
		"Payment risk on %s":     "Betalingsrisico per %s",
		"%s customer scored":     "%s debiteur beoordeeld",
		"%s customers scored":    "%s debiteuren beoordeeld",
		"Exposure":               "Openstaand saldo",
		"%s of %s owe something": "%s van %s hebben iets openstaan",
		"What customers owe on the as-of date: their open invoices less unapplied credit.": "Wat debiteuren op de peildatum verschuldigd zijn: hun openstaande facturen min niet-afgeletterd tegoed.",
		"High risk (classes D–E)": "Hoog risico (klassen D–E)",
		"%s of exposure":          "%s van het openstaande saldo",
		"Exposure with customers in the two riskiest classes, by their chance of paying more than 60 days late.": "Openstaand saldo bij debiteuren in de twee risicovolste klassen, naar hun kans om meer dan 60 dagen te laat te betalen.",
		"Behaviour changes":     "Veranderd betaalgedrag",
		"%s new alert":          "%s nieuwe signalering",
		"%s new alerts":         "%s nieuwe signaleringen",
		"%s since %s":           "%s sinds %s",
		"alerts being computed": "signaleringen worden berekend",
		"Customers whose payment delays shifted, or who stopped paying, as the change test sees it on the as-of date.": "Debiteuren die op de peildatum merkbaar later of eerder zijn gaan betalen, of niet meer betalen.",
		"Over credit limit":     "Boven kredietlimiet",
		"%s above their limits": "%s boven hun limieten",
		"Customers whose exposure is above the credit limit that applies to them (manual, else recommended).": "Debiteuren met een openstaand saldo boven hun kredietlimiet (de handmatige, anders de aanbevolen).",

		// The charts.
		"Class %s":    "Klasse %s",
		"Risk scores": "Risicoscores",
		"Customers per 10 points of score (0 safest, 100 riskiest), coloured by risk class.": "Debiteuren per 10 punten score (0 het veiligst, 100 het risicovolst), gekleurd naar risicoklasse.",
		"Risk classes over time":                                    "Risicoklassen door de tijd",
		"Customers per class at the month-ends since %s and on %s.": "Debiteuren per klasse aan de maandeinden sinds %s en op %s.",
		"Exposure by risk class":                                    "Openstaand saldo per risicoklasse",
		"Share of what customers owe, on %s.":                       "Aandeel in wat debiteuren verschuldigd zijn, op %s.",

		// The tables.
		"Riskiest customers": "Debiteuren met het hoogste risico",
		"By score; amounts in %s. A name opens the customer's page.": "Naar score; bedragen in %s. Een naam opent de pagina van de debiteur.",
		"Classes:":            "Klassen:",
		"from safe to risky.": "van veilig naar risicovol.",
		"Class":               "Klasse",
		"Score":               "Score",
		"Late":                "Te laat",
		"Chance that the next invoices are paid after their due date": "Kans dat de volgende facturen na de vervaldatum worden betaald",
		"60+ days": "60+ dagen",
		"Chance that the next invoices are paid more than 60 days late, or not at all": "Kans dat de volgende facturen meer dan 60 dagen te laat of helemaal niet worden betaald",
		"Days late":                         "Dagen te laat",
		"Expected days beyond the due date": "Verwachte dagen na de vervaldatum",
		"Limit":                             "Limiet",
		"Used":                              "Benut",
		"Change":                            "Verandering",
		"No customers in the ledger on this date.": "Geen debiteuren in de administratie op deze datum.",
		"Newest alerts": "Nieuwste signaleringen",
		"Behaviour changes and silences detected since %s, newest first; exposure in %s.": "Veranderd betaalgedrag en debiteuren die niet meer betalen, gesignaleerd sinds %s, nieuwste eerst; openstaand saldo in %s.",
		"All alerts (JSON)": "Alle signaleringen (JSON)",
		"Detected":          "Gesignaleerd",
		"Kind":              "Soort",
		"What happened":     "Wat er gebeurde",
		"No new behaviour changes or silences since %s.": "Geen nieuw veranderd betaalgedrag of gestopte betalingen sinds %s.",
	})
}
