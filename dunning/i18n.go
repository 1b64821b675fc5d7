package dunning

import "github.com/creditflow/creditflow/present"

// The Dutch of the texts of the dossier and of why a customer has no task,
// which the customer page shows in its language (CustomerDossierIn,
// WhyNoTaskIn).
func init() {
	present.AddDutch(map[string]string{
		// The dossier: the ledger.
		"Credit note %s of %s was issued.":          "Creditnota %s van %s is verstuurd.",
		"Invoice %s of %s was issued, due on %s.":   "Factuur %s van %s is verstuurd, vervaldatum %s.",
		"Invoice %s of %s fell due.":                "Factuur %s van %s is vervallen.",
		"Payment %s was reversed: %s taken back%s.": "Betaling %s is gestorneerd: %s teruggeboekt%s.",
		"Payment %s of %s was received%s.":          "Betaling %s van %s is ontvangen%s.",
		"invoice %s":                                "factuur %s",
		"invoices %s":                               "facturen %s",
		" on %s":                                    " op %s",
		" by ":                                      " uiterlijk ",
		" for ":                                     " voor ",
		" until ":                                   " tot en met ",
		"not paid":                                  "niet betaald",
		"%s of %s paid":                             "%s van %s betaald",
		"The promise of %s to pay%s was kept: paid on %s.":                  "De betalingsbelofte van %s om%s te betalen is nagekomen: betaald op %s.",
		"The promise of %s to pay%s was broken: %s by %s (%d days' grace).": "De betalingsbelofte van %s om%s te betalen is niet nagekomen: %s op %s (%d dagen coulance).",
		"The promise to pay by %s is pending until %s.":                     "De betalingsbelofte (uiterlijk %s) loopt tot en met %s.",
		"reached the customer":                                              "debiteur gesproken",
		"no answer":                                                         "geen gehoor",
		"left a voicemail":                                                  "voicemail ingesproken",
		"wrong number":                                                      "verkeerd nummer",
		"A reminder was sent%s":                                             "Er is een herinnering verstuurd%s",
		"A letter was sent%s":                                               "Er is een brief verstuurd%s",
		"The customer was called%s":                                         "De debiteur is gebeld%s",
		"The customer promised to pay%s%s":                                  "Betalingsbelofte van de debiteur:%s%s",
		"The customer disputed %s%s":                                        "De debiteur betwist %s%s",
		" (handled by %s)":                                                  " (behandeld door %s)",
		"The dispute about %s was resolved%s":                               "De betwisting van %s is opgelost%s",
		" (by %s)":                                                          " (door %s)",
		"A payment arrangement was agreed%s%s":                              "Er is een betalingsregeling getroffen%s%s",
		"The claim was handed over to the collection agency%s":              "De vordering is overgedragen aan het incassobureau%s",
		"A note was made":                                                   "Er is een notitie gemaakt",
		"Dunning was paused until %s: %s":                                   "Het aanmanen is gepauzeerd tot en met %s: %s",
		"Action %s%s":                                                       "Actie %s%s",
		" (step %s)":                                                        " (stap %s)",
		" Note: %s":                                                         " Notitie: %s",

		// Why a customer has no task.
		"Not overdue: no invoice is past due on %s.":                                                          "Niet vervallen: op %s is geen factuur over de vervaldatum.",
		"Paused by a dispute: the one overdue invoice is disputed.":                                           "Gepauzeerd door een betwisting: de enige vervallen factuur wordt betwist.",
		"Paused by a dispute: all %s overdue invoices are disputed.":                                          "Gepauzeerd door een betwisting: alle %s vervallen facturen worden betwist.",
		"Not chased: %s overdue is below the policy's minimum of %s.":                                         "Niet aangemaand: %s vervallen is minder dan het minimum van %s.",
		"Dunning paused until %s (since %s): %s. The ladder goes on the day after.":                           "Aanmanen gepauzeerd tot en met %s (sinds %s): %s. De dag erna gaat de aanmaanladder verder.",
		"Paused by a promise to pay by %s (made on %s); the ladder resumes after %s, %d days' grace.":         "Gepauzeerd door een betalingsbelofte tot %s (gedaan op %s); de aanmaanladder gaat verder na %s, %d dagen coulance.",
		"Paused by a payment arrangement until %s (made on %s); the ladder resumes after %s, %d days' grace.": "Gepauzeerd door een betalingsregeling tot %s (getroffen op %s); de aanmaanladder gaat verder na %s, %d dagen coulance.",
		"No step is due on %s: %s overdue, but the next step of the ladder is not yet due or waits for the term of the last letter, the ladder is done, or the customer is marked do-not-chase.": "Op %s is geen stap aan de beurt: %s vervallen, maar de volgende stap van de aanmaanladder is nog niet aan de beurt of wacht op de termijn van de laatste brief, de ladder is doorlopen, of de debiteur wordt niet aangemaand.",
	})
}
