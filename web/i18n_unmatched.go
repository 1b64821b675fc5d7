package web

import "github.com/creditflow/creditflow/present"

// The Dutch of the page of bank credits waiting to be matched (/unmatched).
func init() {
	present.AddDutch(map[string]string{
		"Unmatched payments":                "Niet gekoppelde betalingen",
		"Bank transactions waiting for you": "Banktransacties die op u wachten",
		"Credits the matcher was not sure enough of to book, oldest first, with its best guesses.": "Bijschrijvingen die niet zeker genoeg aan een factuur te koppelen waren, oudste eerst, met de beste kandidaten.",
		"Booking one books the payment and remembers the payer's account for that customer.":       "Boeken boekt de betaling en onthoudt de rekening van de betaler bij die debiteur.",
		"The queue (JSON)":                  "De wachtrij (JSON)",
		"Booked":                            "Geboekt",
		"Amount":                            "Bedrag",
		"Payer":                             "Betaler",
		"Reference":                         "Kenmerk",
		"Candidates":                        "Kandidaten",
		"Invoices":                          "Facturen",
		"on account, oldest invoices first": "op rekening, oudste facturen eerst",
		"How the matcher found it, and how sure it is": "Hoe de koppeling is gevonden, en hoe zeker die is",
		"Book to %s":                "Boeken op %s",
		"Book":                      "Boeken",
		"no candidate":              "geen kandidaat",
		"Other customer":            "Andere debiteur",
		"Name or id":                "Naam of nummer",
		"comma-separated, or empty": "met komma's gescheiden, of leeg",
		"Previous":                  "Vorige",
		"Next":                      "Volgende",
		"Nothing waiting: every bank credit is booked.": "Niets wacht: elke bijschrijving is geboekt.",
		"bank transactions":                             "banktransacties",
		"Not booked: ":                                  "Niet geboekt: ",
		"Choose a customer from the suggestions first.": "Kies eerst een debiteur uit de suggesties.",
		"nothing waiting":                               "niets wacht",
		"none of %s":                                    "geen van %s",
		"%s–%s of %s":                                   "%s–%s van %s",
		"%s (%s open)":                                  "%s (%s open)",

		// How the matcher found a candidate.
		"Payment reference":                      "Betalingskenmerk",
		"RF creditor reference":                  "RF-kenmerk",
		"Invoice number in the description":      "Factuurnummer in de omschrijving",
		"Reference of a dunning letter":          "Kenmerk van een aanmaning",
		"Known IBAN and amount":                  "Bekende IBAN en bedrag",
		"Known IBAN, amount of several invoices": "Bekende IBAN, bedrag van meerdere facturen",
		"Known IBAN":                             "Bekende IBAN",
		"Similar name and amount":                "Gelijkende naam en bedrag",
		"Similar name":                           "Gelijkende naam",
		"Other rule":                             "Andere regel",

		// Why a direct debit came back.
		"insufficient funds":               "onvoldoende saldo",
		"refund asked by the customer":     "terugboeking op verzoek van de debiteur",
		"refused by the customer":          "geweigerd door de debiteur",
		"no mandate":                       "geen machtiging",
		"account closed":                   "rekening opgeheven",
		"wrong account number":             "onjuist rekeningnummer",
		"no reason given":                  "geen reden opgegeven",
		"Returned direct debit, reason %s": "Gestorneerde incasso, reden %s",
		"Returned direct debit: %s (%s)":   "Gestorneerde incasso: %s (%s)",
	})
}
