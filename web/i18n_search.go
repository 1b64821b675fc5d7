package web

import "github.com/creditflow/creditflow/present"

// The Dutch of the search box, its suggestions and the page of all
// matches (/search).
func init() {
	present.AddDutch(map[string]string{
		// The kinds of matches.
		"Customer":             "Debiteur",
		"Customers":            "Debiteuren",
		"1 customer":           "1 debiteur",
		"%s customers":         "%s debiteuren",
		"1 invoice":            "1 factuur",
		"%s invoices":          "%s facturen",
		"Bank account":         "Bankrekening",
		"1 bank account":       "1 bankrekening",
		"%s bank accounts":     "%s bankrekeningen",
		"Payment":              "Betaling",
		"1 payment":            "1 betaling",
		"%s payments":          "%s betalingen",
		"Bank transaction":     "Banktransactie",
		"1 bank transaction":   "1 banktransactie",
		"%s bank transactions": "%s banktransacties",

		// What a match is.
		"Customer %s":           "Debiteur %s",
		"credit note":           "creditnota",
		"open":                  "open",
		"paid on %s":            "betaald op %s",
		"dated %s":              "gedateerd %s",
		"paid %s on %s":         "%s betaald op %s",
		"%s on %s":              "%s op %s",
		"waiting to be matched": "wacht op koppeling",
		"returned direct debit": "gestorneerde incasso",
		"booked":                "geboekt",
		"invoice %s":            "factuur %s",
		"exact":                 "exact",

		// The suggestions.
		"Suggestions":           "Suggesties",
		"Nothing matches “%s”.": "Niets gevonden voor “%s”.",
		"1 suggestion":          "1 suggestie",
		"%s suggestions":        "%s suggesties",
		"All matches for “%s”":  "Alle resultaten voor “%s”",

		// The page of all matches.
		"Search: %s":                       "Zoeken: %s",
		"Customers, invoices and payments": "Debiteuren, facturen en betalingen",
		"1 match":                          "1 resultaat",
		"%s matches":                       "%s resultaten",
		"“%s”: %s":                         "“%s”: %s",
		"The search failed.":               "Het zoeken is mislukt.",
		"matches in the ledger":            "resultaten uit de administratie",
		"The best ones; type more to find the others.":                                                "De beste; typ meer om de andere te vinden.",
		"Type a customer's name or id, an invoice number, an IBAN or a payment reference.":            "Typ de naam of het nummer van een debiteur, een factuurnummer, een IBAN of een betalingskenmerk.",
		"Nothing matches “%s”. Names match in part, invoice numbers and IBANs from three characters.": "Niets gevonden voor “%s”. Namen worden ook op een deel gevonden, factuurnummers en IBAN's vanaf drie tekens.",
	})
}
