package web

import "github.com/creditflow/creditflow/present"

// The Dutch of the texts every page shares: the top bar, the navigation,
// the log-in page, the page that is not found and the errors of a page.
func init() {
	present.AddDutch(map[string]string{
		// The navigation.
		"Overview":                           "Overzicht",
		"Receivables overview":               "Overzicht debiteuren",
		"Payment risk":                       "Betalingsrisico",
		"Payment risk of customers":          "Betalingsrisico van debiteuren",
		"Cash forecast":                      "Liquiditeitsprognose",
		"Worklist":                           "Werklijst",
		"Collection worklist":                "Werklijst debiteurenbeheer",
		"Unmatched":                          "Niet gekoppeld",
		"Unmatched bank credits":             "Niet gekoppelde bijschrijvingen",
		"Bank credits to match":              "Bijschrijvingen om te koppelen",
		"Bank credits waiting to be matched": "Bijschrijvingen die op koppeling wachten",
		"Upload":                             "Inlezen",
		"Load ledger files":                  "Bestanden inlezen",
		"Load ledger files, bank statements and e-invoices": "Administratie, bankafschriften en e-facturen inlezen",

		// The top bar and the foot.
		"Menu":                                 "Menu",
		"Pages":                                "Pagina's",
		"Search":                               "Zoeken",
		"Customer, invoice, IBAN or reference": "Debiteur, factuur, IBAN of kenmerk",
		"As of":                                "Peildatum",
		"Show":                                 "Toon",
		"Logged in as %s (%s)":                 "Ingelogd als %s (%s)",
		"Log out":                              "Uitloggen",
		"administrator":                        "beheerder",
		"credit controller":                    "debiteurenbeheerder",
		"reader":                               "lezer",
		"figures":                              "cijfers",
		"as of":                                "per",
		"Key indicators":                       "Kerncijfers",
		"Invoice":                              "Factuur",
		"Invoice date":                         "Factuurdatum",
		"Due date":                             "Vervaldatum",
		"Open amount":                          "Openstaand bedrag",
		"Days past due":                        "Dagen over vervaldatum",
		"Age":                                  "Ouderdom",
		"The error is in the server log; try again in a moment.":                    "De fout staat in het serverlogboek; probeer het zo nog eens.",
		"The charts could not be drawn. The error is in the server log.":            "De grafieken konden niet worden getekend. De fout staat in het serverlogboek.",
		"%q is not a date. Pick a date, or type it as YYYY-MM-DD (for example %s).": "%q is geen datum. Kies een datum, of typ hem als JJJJ-MM-DD (bijvoorbeeld %s).",

		// Logging in, and a page that is not there.
		"Log in":                            "Inloggen",
		"Log in with an API token.":         "Log in met een API-token.",
		"An administrator creates one with": "Een beheerder maakt er een aan met",
		"Token":                             "Token",
		"That token is unknown or revoked.": "Dat token is onbekend of ingetrokken.",
		"Page not found":                    "Pagina niet gevonden",
		"There is no page at this address. It may have moved, or the link was mistyped.": "Op dit adres staat geen pagina. Misschien is hij verplaatst, of is de link verkeerd getypt.",
		"Go to the overview":                                             "Naar het overzicht",
		"Go to the worklist":                                             "Naar de werklijst",
		"The figures could not be loaded.":                               "De cijfers konden niet worden geladen.",
		"The forecast could not be computed.":                            "De prognose kon niet worden berekend.",
		"The scores could not be computed.":                              "De risicoscores konden niet worden berekend.",
		"The unmatched payments could not be read.":                      "De niet gekoppelde betalingen konden niet worden gelezen.",
		"The upload page could not be shown.":                            "De pagina om in te lezen kon niet worden getoond.",
		"The worklist could not be computed.":                            "De werklijst kon niet worden berekend.",
		"The customer's risk could not be computed.":                     "Het risico van de debiteur kon niet worden berekend.",
		"Loading files needs the admin role. Ask an admin to load them.": "Bestanden inlezen mag alleen een beheerder. Vraag een beheerder om ze in te lezen.",
	})
}
