package dialect

import (
	"strings"
	"unicode"
)

// synonyms are the names, Dutch and English, under which exports of
// accounting packages carry the contract's columns, keyed by kind and then
// contract column. They are compared by nameKey.
var synonyms = map[string]map[string][]string{
	"customers": {
		"customer_id":        {"customer id", "customer number", "customer no", "debtor id", "debtor number", "account number", "debiteurnummer", "debiteurnr", "debiteur nr", "debiteurcode", "relatiecode", "relatienummer", "relatienr", "klantnummer", "klantnr", "klant id", "klantcode"},
		"name":               {"customer name", "debtor name", "company", "company name", "naam", "debiteur", "debiteurnaam", "relatie", "relatienaam", "klant", "klantnaam", "bedrijfsnaam"},
		"country":            {"country code", "land", "landcode"},
		"segment":            {"branche", "sector", "industry", "groep", "group"},
		"kind":               {"type", "customer type", "soort", "klanttype"},
		"payment_terms_days": {"payment terms", "terms", "payment term days", "betalingstermijn", "betaaltermijn", "termijn", "krediettermijn"},
		"credit_limit":       {"credit limit", "kredietlimiet", "limiet"},
		"registration_id":    {"kvk", "kvk nummer", "kvknummer", "btw nummer", "btwnummer", "vat", "vat number", "vat id", "coc number", "chamber of commerce"},
		"email":              {"e-mail", "e-mailadres", "emailadres", "mail", "email address"},
		"phone":              {"telefoon", "telefoonnummer", "tel", "phone number", "telephone"},
	},
	"invoices": {
		"invoice_id":   {"invoice id", "invoice number", "invoice no", "invoice", "factuurnummer", "factuurnr", "factuur nr", "factuur", "factuurid", "boekstuknummer", "boekstuk"},
		"customer_id":  {"customer id", "customer number", "customer no", "debtor number", "account number", "debiteurnummer", "debiteurnr", "debiteur nr", "debiteurcode", "relatiecode", "relatienummer", "relatienr", "klantnummer", "klantnr", "klantcode"},
		"invoice_date": {"invoice date", "date", "document date", "factuurdatum", "datum", "boekdatum"},
		"due_date":     {"due date", "due", "vervaldatum", "vervaldag", "uiterste betaaldatum"},
		"amount":       {"invoice amount", "total", "total incl vat", "amount incl vat", "gross amount", "bedrag", "factuurbedrag", "totaal", "totaal incl btw", "totaalbedrag", "bedrag incl btw", "bedrag incl"},
		"currency":     {"currency code", "valuta", "valutacode", "munt"},
		"disputed":     {"dispute", "in dispute", "betwist", "geschil", "in geschil"},
		"description":  {"omschrijving", "description", "memo", "toelichting", "text", "tekst"},
	},
	"payments": {
		"payment_id":   {"payment id", "payment number", "payment no", "betaling id", "betalingsnummer", "betalingnr", "transactie id", "transactienummer", "transaction id"},
		"customer_id":  {"customer id", "customer number", "customer no", "debtor number", "account number", "debiteurnummer", "debiteurnr", "debiteur nr", "debiteurcode", "relatiecode", "relatienummer", "relatienr", "klantnummer", "klantnr", "klantcode"},
		"invoice_id":   {"invoice id", "invoice number", "invoice no", "invoice", "factuurnummer", "factuurnr", "factuur nr", "factuur"},
		"payment_date": {"payment date", "date", "value date", "betaaldatum", "betalingsdatum", "datum", "valutadatum", "rentedatum"},
		"amount":       {"payment amount", "amount paid", "bedrag", "betaald", "betaald bedrag", "betalingsbedrag"},
		"method":       {"payment method", "betaalwijze", "betaalmethode", "betalingswijze"},
		"reference":    {"payment reference", "betalingskenmerk", "kenmerk", "referentie", "betaalreferentie"},
	},
	"open_items": {
		"invoice_id":   {"invoice id", "invoice number", "invoice no", "invoice", "factuurnummer", "factuurnr", "factuur nr", "factuur", "boekstuknummer", "boekstuk"},
		"customer_id":  {"customer id", "customer number", "customer no", "debtor number", "account number", "debiteurnummer", "debiteurnr", "debiteur nr", "debiteurcode", "relatiecode", "relatienummer", "relatienr", "klantnummer", "klantnr", "klantcode"},
		"invoice_date": {"invoice date", "date", "document date", "factuurdatum", "datum", "boekdatum"},
		"due_date":     {"due date", "due", "vervaldatum", "vervaldag"},
		"amount":       {"invoice amount", "original amount", "total", "bedrag", "factuurbedrag", "oorspronkelijk bedrag", "totaal", "totaalbedrag"},
		"open_amount":  {"open", "open amount", "outstanding", "balance", "openstaand", "openstaand bedrag", "saldo", "restant", "nog te ontvangen"},
		"as_of":        {"as of", "as of date", "snapshot date", "report date", "peildatum", "per datum", "rapportdatum", "overzichtsdatum"},
		"currency":     {"currency code", "valuta", "valutacode", "munt"},
		"description":  {"omschrijving", "description", "memo", "toelichting"},
	},
	"customer_accounts": {
		"customer_id": {"customer id", "customer number", "debiteurnummer", "debiteurnr", "relatiecode", "relatienummer", "klantnummer", "klantnr"},
		"iban":        {"iban", "bank account", "rekeningnummer", "rekening", "tegenrekening", "bankrekening"},
		"name":        {"account name", "account holder", "naam", "tenaamstelling", "rekeninghouder"},
	},
}

// nameKey is a column name compared without case, spaces or punctuation:
// "Totaal incl. BTW" and "totaal_incl_btw" are one name.
func nameKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimPrefix(s, "\ufeff")) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mapColumns maps the header onto the table: the mapping's columns first,
// then the contract's own names, then the synonyms. It returns, per
// contract column, the index of its source column, and the contract
// columns that stay unmapped.
func mapColumns(header []string, t Table, km KindMapping) (idx map[string]int, err error) {
	byKey := map[string]int{}
	for i, h := range header {
		if _, ok := byKey[nameKey(h)]; !ok {
			byKey[nameKey(h)] = i
		}
	}
	idx = map[string]int{}
	used := map[int]bool{}
	for col, src := range km.Columns {
		i, ok := byKey[nameKey(src)]
		if !ok {
			return nil, &mappingError{column: col, source: src}
		}
		idx[col], used[i] = i, true
	}
	try := func(col, name string) bool {
		if i, ok := byKey[nameKey(name)]; ok && !used[i] {
			idx[col], used[i] = i, true
			return true
		}
		return false
	}
	for _, c := range t.Columns {
		if _, ok := idx[c.Name]; !ok {
			try(c.Name, c.Name)
		}
	}
	for _, c := range t.Columns {
		if _, ok := idx[c.Name]; ok {
			continue
		}
		if _, ok := km.Constants[c.Name]; ok {
			continue
		}
		for _, s := range synonyms[t.Kind][c.Name] {
			if try(c.Name, s) {
				break
			}
		}
	}
	return idx, nil
}

// mappingError is a mapping file naming a column the file lacks.
type mappingError struct{ column, source string }

func (e *mappingError) Error() string {
	return "the mapping file maps " + e.column + " to a column " + e.source + " that the file does not have"
}

// InferKind tells the kind of a file from its mapped header: the kind that
// maps the most of its required columns wins, payments before invoices
// before customer accounts before customers on a tie (a payment file names
// an invoice, an invoice file a customer). It returns "" when no kind maps
// all its required columns.
func InferKind(header []string, tables []Table, m Mapping) string {
	best, bestScore := "", -1
	for _, kind := range []string{"payments", "invoices", "customer_accounts", "customers"} {
		t, ok := tableOf(tables, kind)
		if !ok {
			continue
		}
		idx, err := mapColumns(header, t, m[kind])
		if err != nil {
			continue
		}
		complete, score := true, 0
		for _, c := range t.Columns {
			_, mapped := idx[c.Name]
			_, constant := m[kind].Constants[c.Name]
			if c.Required && !mapped && !constant {
				complete = false
			}
			if mapped {
				score++
			}
		}
		if complete && score > bestScore {
			best, bestScore = kind, score
		}
	}
	return best
}
