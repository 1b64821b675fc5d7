package web_test

import (
	"net/http"
	"testing"

	"github.com/creditflow/creditflow/dunning"
)

func TestDossierAPI(t *testing.T) {
	srv, tok := serveTestDB(t, ledgerTestDB(t))

	for _, tc := range []struct {
		name, url string
		status    int
		kinds     []dunning.EntryKind
	}{
		// I3 of C2 is paid by P3 and the payment reversed by P4.
		{"reversal", "/api/customers/C2/dossier?as_of=2025-03-01", http.StatusOK,
			[]dunning.EntryKind{dunning.Reversal, dunning.PaymentEntry, dunning.InvoiceDue, dunning.InvoiceIssued}},
		{"as_of cuts the timeline", "/api/customers/C2/dossier?as_of=2025-01-19", http.StatusOK,
			[]dunning.EntryKind{dunning.InvoiceDue, dunning.InvoiceIssued}},
		{"unknown customer", "/api/customers/NOPE/dossier?as_of=2025-03-01", http.StatusNotFound, nil},
		{"bad as_of", "/api/customers/C2/dossier?as_of=yesterday", http.StatusBadRequest, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.status != http.StatusOK {
				checkJSONError(t, tc.name, do(t, newRequest(t, http.MethodGet, srv.URL+tc.url, tok.viewer, nil, "")), tc.status)
				return
			}
			var d dunning.Dossier
			getJSON(t, srv.URL+tc.url, tok.viewer, &d)
			if d.CustomerID != "C2" || len(d.Entries) != len(tc.kinds) {
				t.Fatalf("dossier %+v", d)
			}
			for i, k := range tc.kinds {
				if e := d.Entries[i]; e.Kind != k || e.Text == "" || e.InvoiceIDs == nil {
					t.Errorf("entry %d: %+v, want kind %s", i, e, k)
				}
			}
		})
	}
	t.Run("auth", func(t *testing.T) {
		checkJSONError(t, "no token", do(t, newRequest(t, http.MethodGet, srv.URL+"/api/customers/C2/dossier", "", nil, "")), http.StatusUnauthorized)
	})
}
