package ingest

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/ingest/dialect"
)

// Kind is the table a file feeds.
type Kind string

// The kinds of the canonical input format.
const (
	Customers        Kind = "customers"
	Invoices         Kind = "invoices"
	Payments         Kind = "payments"
	CustomerAccounts Kind = "customer_accounts" // the IBANs customers pay from
	ExchangeRates    Kind = "exchange_rates"    // reference rates per EUR, the ECB layout (see rates.go)
	// OpenItems is an open-items list (openstaande posten) on a date: its
	// invoices and their paid parts (snapshots.go).
	OpenItems Kind = "open_items"
	// Documents of other formats, told by their content.
	BankStatements Kind = "bank_statements" // camt.052/053/054, MT940
	EInvoices      Kind = "e_invoices"      // UBL 2.1 invoices and credit notes
)

// ParseKind checks a --kind value.
func ParseKind(s string) (Kind, error) {
	switch k := Kind(s); k {
	case Customers, Invoices, Payments, CustomerAccounts, OpenItems, ExchangeRates:
		return k, nil
	}
	return "", fmt.Errorf("%w: kind %q: expected customers, invoices, payments, customer_accounts, open_items or exchange_rates (bank statements and e-invoices are recognised by their content)", creditflow.ErrInvalid, s)
}

// kindOrder is the order in which the files of one run are loaded, so that
// payments can refer to invoices and invoices to customers of the same run.
// Exchange rates come first: invoices and payments are converted with them.
// Bank statements come last: they are matched against the invoices and
// payments loaded before them.
func kindOrder(k Kind) int {
	switch k {
	case ExchangeRates:
		return -1
	case Customers:
		return 0
	case CustomerAccounts:
		return 1
	case Invoices:
		return 2
	case EInvoices:
		return 3
	case OpenItems:
		// After the invoices, before the payments: a payments file of the
		// same run then adds to what the list's derived payments paid.
		return 4
	case Payments:
		return 5
	}
	return 6
}

// Format is a file format DuckDB reads for us.
type Format string

// Supported formats.
const (
	CSV     Format = "csv"
	Parquet Format = "parquet"
	NDJSON  Format = "ndjson"
	// Formats read by the service's own parsers.
	Camt  Format = "camt"
	MT940 Format = "mt940"
	UBL   Format = "ubl"
	// Excel workbooks, read by the pre-pass (ingest/dialect).
	XLSX Format = "xlsx"
	// Rows made by the ingest itself (payments booked from statements).
	Derived Format = "derived"
)

// detect tells kind and format from the file's content when it is a bank
// statement or an e-invoice, else from its name; forced overrides the kind
// of a canonical file. head is the start of the file. A CSV or XLSX file
// whose name tells no kind gets it from its header, in the pre-pass.
func detect(path string, head []byte, forced Kind) (Kind, Format, error) {
	if k, f := sniff(head); k != "" {
		return k, f, nil
	}
	base := strings.ToLower(filepath.Base(path))
	name := strings.TrimSuffix(base, ".gz")
	var format Format
	switch {
	case strings.HasSuffix(name, ".csv"), strings.HasSuffix(name, ".txt"):
		format = CSV
	case strings.HasSuffix(name, ".parquet"), strings.HasSuffix(name, ".pq"):
		format = Parquet
	case dialect.IsXLSX(name):
		format = XLSX
	case strings.HasSuffix(name, ".ndjson"), strings.HasSuffix(name, ".jsonl"), strings.HasSuffix(name, ".json"):
		format = NDJSON
	case strings.HasSuffix(name, ".xml"):
		return "", "", fmt.Errorf("%w: %s: an XML file that is neither an ISO 20022 camt.052/053/054 statement nor a UBL invoice or credit note", creditflow.ErrInvalid, path)
	default:
		return "", "", fmt.Errorf("%w: %s: unknown file type: expected .csv, .xlsx, .parquet or .ndjson/.jsonl, a camt.053/054 or MT940 bank statement, or a UBL e-invoice", creditflow.ErrInvalid, path)
	}
	if forced != "" {
		return forced, format, nil
	}
	if format == CSV && isRatesFile(name, head) {
		return ExchangeRates, CSV, nil
	}
	for _, k := range []Kind{CustomerAccounts, Customers, Invoices, Payments, OpenItems} {
		if strings.HasPrefix(name, string(k)) {
			return k, format, nil
		}
	}
	if strings.HasPrefix(name, "openstaande") {
		return OpenItems, format, nil
	}
	if format == CSV || format == XLSX {
		return "", format, nil // the pre-pass tells it from the header
	}
	return "", "", fmt.Errorf("%w: %s: cannot tell the table from the file name: name it customers*, invoices*, payments*, customer_accounts* or open_items* (openstaande_posten*), or pass --kind", creditflow.ErrInvalid, path)
}

// colType is how a text cell of the input is checked and converted.
type colType int

const (
	textCol colType = iota
	dateCol
	amountCol
	intCol
	boolCol
	customerKindCol
	currencyCol
	ibanCol
)

type column struct {
	name     string
	typ      colType
	required bool
}

// tableSpec describes one table of the input contract.
type tableSpec struct {
	key     string
	columns []column
}

var specs = map[Kind]tableSpec{
	Customers: {key: "customer_id", columns: []column{
		{"customer_id", textCol, true},
		{"name", textCol, false},
		{"country", textCol, false},
		{"segment", textCol, false},
		{"kind", customerKindCol, false},
		{"payment_terms_days", intCol, false},
		{"credit_limit", amountCol, false},
		{"registration_id", textCol, false},
		{"email", textCol, false},
		{"phone", textCol, false},
	}},
	Invoices: {key: "invoice_id", columns: []column{
		{"invoice_id", textCol, true},
		{"customer_id", textCol, true},
		{"invoice_date", dateCol, true},
		{"due_date", dateCol, false},
		{"amount", amountCol, true},
		{"currency", currencyCol, false},
		{"disputed", boolCol, false},
		{"description", textCol, false},
	}},
	Payments: {key: "payment_id", columns: []column{
		{"payment_id", textCol, true},
		{"customer_id", textCol, false}, // required unless invoice_id is given
		{"invoice_id", textCol, false},
		{"payment_date", dateCol, true},
		{"amount", amountCol, true},
		{"method", textCol, false},
		{"reference", textCol, false},
	}},
	CustomerAccounts: {key: "iban", columns: []column{
		{"customer_id", textCol, true},
		{"iban", ibanCol, true},
		{"name", textCol, false},
	}},
}

// quoteIdent quotes a column name for DuckDB.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// quoteString quotes a string literal for DuckDB. Only used for file paths in
// table functions and for column names turned into JSON keys.
func quoteString(s string) string { return `'` + strings.ReplaceAll(s, `'`, `''`) + `'` }

// invalidCondition is a SQL condition that is true when a present cell v
// does not hold a value of the column's type, and what was expected instead.
// typed is the cell as converted in the stage table.
func invalidCondition(c column, v, typed string) (cond, expected string) {
	switch c.typ {
	case dateCol:
		return fmt.Sprintf("length(%s) <> 10 OR %s IS NULL", v, typed), "a date as YYYY-MM-DD"
	case amountCol:
		return fmt.Sprintf("NOT regexp_full_match(%s, '[+-]?\\d{1,16}(\\.\\d{1,2})?')", v),
			"an amount with a dot and at most two decimals, no thousands separator (like 1234.56)"
	case intCol:
		return fmt.Sprintf("%s IS NULL OR %s NOT BETWEEN 0 AND 99999", typed, typed), "a whole number of days (0-99999)"
	case boolCol:
		return fmt.Sprintf("lower(%s) NOT IN ('true', 'false', '1', '0', 'yes', 'no')", v), "true/false, 1/0 or yes/no"
	case customerKindCol:
		return fmt.Sprintf("lower(%s) NOT IN ('b2b', 'b2c')", v), "b2b or b2c"
	case currencyCol:
		return fmt.Sprintf("NOT regexp_full_match(upper(%s), '[A-Z]{3}')", v), "an ISO 4217 currency code like EUR"
	case ibanCol:
		return fmt.Sprintf("NOT regexp_full_match(%s, '[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}')", typed), "an IBAN like NL91ABNA0417164300"
	}
	return "", ""
}

// tryTypedValue converts a cell to its column type, or NULL when it does
// not convert; validation reports such cells with what was expected.
func tryTypedValue(c column, v string) string {
	switch c.typ {
	case dateCol:
		return "CAST(try_strptime(" + v + ", '%Y-%m-%d') AS DATE)"
	case amountCol:
		return "TRY_CAST(" + v + " AS DECIMAL(18,2))"
	case intCol:
		return "TRY_CAST(" + v + " AS INTEGER)"
	case boolCol:
		return "(lower(" + v + ") IN ('true', '1', 'yes'))"
	case customerKindCol:
		return "lower(" + v + ")"
	case currencyCol:
		return "upper(" + v + ")"
	case ibanCol:
		return "upper(replace(" + v + ", ' ', ''))"
	}
	return v
}
