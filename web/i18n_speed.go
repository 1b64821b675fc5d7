package web

import "github.com/creditflow/creditflow/present"

// The Dutch of the notes of the pages that fill in their slow parts when
// they are ready (the risk overview's classes over time and alerts).
func init() {
	present.AddDutch(map[string]string{
		"The risk classes over time and the newest alerts are still being computed; they appear on this page when ready.": "De risicoklassen door de tijd en de nieuwste signaleringen worden nog berekend; ze verschijnen op deze pagina zodra ze klaar zijn.",
		"Still being computed.": "Wordt nog berekend.",
	})
}
