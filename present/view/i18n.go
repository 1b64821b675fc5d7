package view

import "github.com/creditflow/creditflow/present"

// The Dutch of the texts of this package: the aging buckets and the
// behaviour changes.
func init() {
	present.AddDutch(map[string]string{
		"Not yet due": "Nog niet vervallen",
		"Not due":     "Niet vervallen",
		"%s days":     "%s dagen",

		"Pays later":     "Betaalt later",
		"Pays earlier":   "Betaalt eerder",
		"Stopped paying": "Betaalt niet meer",
		"Changed":        "Veranderd",
		"Paid regularly until %s; nothing paid since, while 1 invoice (%s) fell due.":   "Betaalde regelmatig tot %s; sindsdien niets betaald, terwijl 1 factuur (%s) verviel.",
		"Paid regularly until %s; nothing paid since, while %s invoices (%s) fell due.": "Betaalde regelmatig tot %s; sindsdien niets betaald, terwijl %s facturen (%s) vervielen.",
		"Paid regularly until %s; nothing paid since.":                                  "Betaalde regelmatig tot %s; sindsdien niets betaald.",
		"Usually paid %s until %s, %s since.":                                           "Betaalde gewoonlijk %s tot %s, sindsdien %s.",
		"The customer's payment behaviour changed.":                                     "Het betaalgedrag van de debiteur is veranderd.",
		"on time":       "op tijd",
		"1 day late":    "1 dag te laat",
		"1 day early":   "1 dag te vroeg",
		"%s days early": "%s dagen te vroeg",
		"%s days late":  "%s dagen te laat",
	})
}
