package web

import (
	"context"
	"net/http"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/present"
)

// uploadView is the upload page: files go to POST /api/ingest, first as a
// dry run that shows how each file was read, then for real once the admin
// confirms.
type uploadView struct {
	pageHead
	// MaxMiB is the largest upload the server takes, in MiB.
	MaxMiB int64
}

// Words are the texts of the page's script in its language: its messages,
// and the words for the codes of the answer of POST /api/ingest (kinds,
// formats, delimiters, date styles, the columns of the canonical format),
// by code.
func (v uploadView) Words() map[string]string { return uploadWords(v.Lang) }

// uploadCodes are the codes of the ingest's answer that the page shows, and
// their words in English.
var uploadCodes = map[string]string{
	// Kinds of file.
	"customers": "customers", "invoices": "invoices", "payments": "payments",
	"customer_accounts": "customers' bank accounts", "exchange_rates": "exchange rates",
	"open_items": "open-items list", "bank_statements": "bank statements", "e_invoices": "e-invoices",
	// Formats.
	"csv": "CSV", "parquet": "Parquet", "ndjson": "NDJSON", "camt": "camt", "mt940": "MT940", "ubl": "UBL",
	"xlsx": "Excel", "derived": "derived",
	// Delimiters and date styles.
	"comma": "comma-separated", "semicolon": "semicolon-separated", "tab": "tab-separated", "bar": "bar-separated",
	"yyyy-mm-dd": "dates year-month-day", "dd-mm-yyyy": "dates day-month-year", "mm-dd-yyyy": "dates month-day-year",
	"excel": "Excel dates",
	// The columns of the canonical format.
	"customer_id": "customer number", "name": "name", "country": "country", "segment": "segment", "kind": "kind",
	"payment_terms_days": "payment term (days)", "credit_limit": "credit limit", "registration_id": "registration number",
	"email": "email", "phone": "phone", "invoice_id": "invoice number", "invoice_date": "invoice date",
	"due_date": "due date", "amount": "amount", "currency": "currency", "disputed": "disputed",
	"description": "description", "payment_id": "payment number", "payment_date": "payment date",
	"method": "payment method", "reference": "reference", "iban": "IBAN", "open_amount": "open amount",
	"as_of": "as-of date",
}

// uploadMessages are the messages of the page's script, by key.
var uploadMessages = map[string]string{
	"sheet":       "sheet %s",
	"columns":     "columns: %s",
	"wouldLoad":   "would be loaded",
	"loaded":      "loaded",
	"line":        "line %s",
	"column":      "column %s",
	"expected":    "expected %s",
	"found":       "found “%s”",
	"sending":     "Sending the files to check them…",
	"loading":     "Loading…",
	"checking":    "Checking the files…",
	"loadingIn":   "Loading the files into the ledger…",
	"notLoaded":   "Nothing was loaded.",
	"checked":     "Checked: nothing was loaded yet. Load the files when this is how you meant them.",
	"loadedIn":    "Loaded in %s s (run %s).",
	"unreachable": "The server could not be reached. Nothing was loaded.",
}

// uploadWords are the texts of the upload page's script in l.
func uploadWords(l present.Lang) map[string]string {
	words := make(map[string]string, len(uploadCodes)+len(uploadMessages))
	for k, en := range uploadCodes {
		words[k] = l.T(en)
	}
	for k, en := range uploadMessages {
		words["msg."+k] = l.T(en)
	}
	return words
}

// handleUploadPage serves /upload to admins; others get 403.
func (s *Server) handleUploadPage(w http.ResponseWriter, r *http.Request, sess *session) {
	if !sess.role.Allows(creditflow.RoleAdmin) {
		h := s.newPageHead(r, sess, "upload", "/upload")
		h.Error = h.Lang.T("Loading files needs the admin role. Ask an admin to load them.")
		s.renderStatus(w, r, http.StatusForbidden, "upload.html", &uploadView{pageHead: h})
		return
	}
	load := func(context.Context, creditflow.Date) (struct{}, error) { return struct{}{}, nil }
	fill := func(_ struct{}, p *uploadView) error { return nil }
	servePage(s, w, r, sess, pageSpec{nav: "upload", template: "upload.html", failed: "The upload page could not be shown."},
		&uploadView{MaxMiB: s.maxUp >> 20}, load, fill)
}
