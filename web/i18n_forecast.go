package web

import "github.com/creditflow/creditflow/present"

// The Dutch of the cash forecast (/forecast) and its backtest.
func init() {
	present.AddDutch(map[string]string{
		"forecast":              "prognose",
		"Cash forecast from %s": "Liquiditeitsprognose vanaf %s",
		"%s week":               "%s week",
		"%s weeks":              "%s weken",
		"%s to %s":              "%s tot en met %s",

		// The indicators.
		"Expected in %s":  "Verwacht in %s",
		"cash in from %s": "ontvangsten van %s",
		"The cash customers are expected to pay in the weeks shown: the average over the simulated futures.": "Wat debiteuren naar verwachting betalen in de getoonde weken: het gemiddelde over de gesimuleerde scenario's.",
		"Next %s":      "Komende %s",
		"%s of the %s": "%s van de %s",
		"Cash expected in the first weeks of the forecast, where it is most certain.": "Verwachte ontvangsten in de eerste weken van de prognose, waar die het zekerst is.",
		"From open invoices":      "Uit openstaande facturen",
		"%s of the expected cash": "%s van de verwachte ontvangsten",
		"Cash expected from invoices that are open on the as-of date.": "Verwachte ontvangsten uit facturen die op de peildatum openstaan.",
		"From new invoices": "Uit nieuwe facturen",
		"invoices not yet sent, paid within the horizon":                                                             "nog niet verstuurde facturen, betaald binnen de prognoseperiode",
		"Cash expected from invoices that are still to be sent, at each customer's usual pace of sales and payment.": "Verwachte ontvangsten uit facturen die nog verstuurd moeten worden, in het gebruikelijke tempo van omzet en betaling van elke debiteur.",

		// The charts.
		"Cash in per week": "Ontvangsten per week",
		"Expected cash with the band that 8 in 10 simulated futures fall in (p10 to p90), per week from Monday.": "Verwachte ontvangsten met de bandbreedte waarin 8 van de 10 gesimuleerde scenario's vallen (p10 tot p90), per week vanaf maandag.",
		"Open versus new invoices": "Openstaande tegenover nieuwe facturen",
		"Expected cash per week from invoices open on %s, and from invoices still to be sent.": "Verwachte ontvangsten per week uit facturen die op %s openstaan, en uit facturen die nog verstuurd moeten worden.",
		"p10 to p90":   "p10 tot p90",
		"Expected":     "Verwacht",
		"Median (p50)": "Mediaan (p50)",
		"Median":       "Mediaan",
		"Week of":      "Week van",
		"80% band":     "80%-bandbreedte",

		// The customers.
		"Where the cash comes from": "Waar de ontvangsten vandaan komen",
		"The customer":              "De debiteur",
		"The %s customers":          "De %s debiteuren",
		"%s expected to pay the most on their open invoices in the %s; amounts in %s. A name opens the customer's page.": "%s die naar verwachting het meest op hun openstaande facturen betalen in de %s; bedragen in %s. Een naam opent de pagina van de debiteur.",
		"Cash expected from the customer's open invoices in the weeks shown":                                             "Verwachte ontvangsten uit de openstaande facturen van de debiteur in de getoonde weken",
		"Open now": "Nu openstaand",
		"What the customer's open invoices amount to on the as-of date": "Het bedrag van de openstaande facturen van de debiteur op de peildatum",
		"Share": "Aandeel",
		"Share of all the cash expected from open invoices in the weeks shown": "Aandeel in alle verwachte ontvangsten uit openstaande facturen in de getoonde weken",
		"No customer is expected to pay anything in these weeks.":              "Van geen enkele debiteur wordt in deze weken een betaling verwacht.",

		// The backtest.
		"How accurate was it?": "Hoe nauwkeurig was de prognose?",
		"Forecast":             "Prognose",
		"Every open invoice paid on its due date": "Elke openstaande factuur betaald op de vervaldatum",
		"Due + delay": "Vervaldatum + vertraging",
		"Every open invoice paid on its due date plus the customer's average delay":                                                           "Elke openstaande factuur betaald op de vervaldatum plus de gemiddelde vertraging van de debiteur",
		"The backtest of the forecasts made from %s to %s is still being computed. It goes on in the background and appears here when ready.": "De backtest van de prognoses gemaakt van %s tot en met %s wordt nog berekend. Dat gaat op de achtergrond door; hij verschijnt hier zodra hij klaar is.",
		"The backtest could not be computed (not enough history before %s?). The error is in the server log.":                                 "De backtest kon niet worden berekend (te weinig historie vóór %s?). De fout staat in het serverlogboek.",
		"The ledger has too little history before %s to backtest the forecast: the page backtests forecasts made from %s to %s.":              "De administratie heeft te weinig historie vóór %s om de prognose te backtesten: de pagina toetst prognoses gemaakt van %s tot en met %s.",
		"%s forecast":  "%s prognose",
		"%s forecasts": "%s prognoses",
		"%s of %s, made every 4 weeks from %s to %s with what was known on the day, against the cash that came in (%s compared). Run for this page, kept until the next ingest.": "%s van %s, elke 4 weken gemaakt van %s tot en met %s met wat die dag bekend was, vergeleken met de werkelijke ontvangsten (%s vergeleken). Berekend voor deze pagina en bewaard tot het volgende inlezen.",
		"Error on open invoices": "Fout op openstaande facturen",
		"Weighted absolute percentage error (WAPE) of the weekly cash from invoices open when the forecast was made. Lower is better.": "Gewogen absolute procentuele fout (WAPE) van de wekelijkse ontvangsten uit facturen die openstonden toen de prognose werd gemaakt. Lager is beter.",
		"Error on all cash": "Fout op alle ontvangsten",
		"WAPE of the weekly cash in total, new invoices included. Lower is better.":                     "WAPE van de totale wekelijkse ontvangsten, nieuwe facturen inbegrepen. Lager is beter.",
		"Weeks inside the p10–p90 band":                                                                 "Weken binnen de p10–p90-bandbreedte",
		"Share of the weeks whose actual cash fell inside the forecast's 80% band; about 80% is right.": "Aandeel van de weken waarin de werkelijke ontvangsten binnen de 80%-bandbreedte van de prognose vielen; ongeveer 80% is goed.",
		"The baselines: every open invoice paid on its due date, or on its due date plus the customer's average delay; invoices still to come as a year earlier. They make no band.":     "De vergelijkingsmaatstaven: elke openstaande factuur betaald op de vervaldatum, of op de vervaldatum plus de gemiddelde vertraging van de debiteur; nog te komen facturen als een jaar eerder. Zij geven geen bandbreedte.",
		"Error is the weighted absolute percentage error (WAPE): the weekly misses added up, as a share of the cash that came in; lower is better. The best figure of a row is in bold.": "De fout is de gewogen absolute procentuele fout (WAPE): de wekelijkse afwijkingen opgeteld, als aandeel van de werkelijke ontvangsten; lager is beter. Het beste cijfer van een rij staat vet.",
		"The command line runs longer backtests:": "Langere backtests draait u op de opdrachtregel:",

		// The weeks.
		"Week by week": "Week voor week",
		"p10, p50 and p90: 1 in 10 futures bring less than p10, half less than the median p50, 9 in 10 less than p90.": "p10, p50 en p90: 1 op de 10 scenario's brengt minder dan p10, de helft minder dan de mediaan p50, 9 op de 10 minder dan p90.",
		"This forecast (JSON)": "Deze prognose (JSON)",
		"Week":                 "Week",
		"From open":            "Uit openstaand",
		"From new":             "Uit nieuw",
		"Total":                "Totaal",
	})
}
