package ingest

import (
	"bytes"
	"context"
	"database/sql/driver"
	"fmt"
	"os"
	"strings"

	"github.com/creditflow/creditflow/ingest/ubl"
	"github.com/duckdb/duckdb-go/v2"
)

// sniffBytes is how much of a file is read to recognise its format.
const sniffBytes = 4096

// sniff recognises bank statements and e-invoices by their content, so that
// a downloaded statement can be ingested whatever the bank named it.
func sniff(head []byte) (Kind, Format) {
	h := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	if bytes.HasPrefix(h, []byte("<")) {
		switch {
		case bytes.Contains(h, []byte("camt.05")), bytes.Contains(h, []byte("BkToCstmr")):
			return BankStatements, Camt
		case bytes.Contains(h, []byte("urn:oasis:names:specification:ubl:schema:xsd:")):
			// The UBL parser refuses documents that are not invoices or
			// credit notes (orders, despatch advices) with a clear error.
			return EInvoices, UBL
		}
		return "", ""
	}
	// MT940: SWIFT blocks ({1:F01...) or tag lines :20: and :25:/:61:.
	if bytes.HasPrefix(h, []byte("{1:")) || bytes.HasPrefix(h, []byte(":20:")) ||
		(bytes.Contains(h, []byte("\n:20:")) && (bytes.Contains(h, []byte("\n:25:")) || bytes.Contains(h, []byte("\n:61:")))) {
		return BankStatements, MT940
	}
	return "", ""
}

// Temporary tables the documents are converted into before they take the
// path of the canonical files.
const (
	ublInvoicesTable  = "ubl_invoices"
	ublCustomersTable = "ubl_customers"
)

// ublInvoiceColumns are the columns of ubl_invoices: the invoices contract
// plus extras kept as attributes.
var ublInvoiceColumns = []string{"invoice_id", "customer_id", "invoice_date", "due_date", "amount", "currency", "description",
	"payment_reference", "payment_terms", "preceding_invoice", "source_file"}

// loadEInvoices parses UBL invoices and credit notes and loads them as one
// batch of invoices. Buyers not known yet become customers with the name,
// registration id, country and contact of the document; known customers
// are left as they are, except that a bare customer gets those details.
func (l *loader) loadEInvoices(ctx context.Context, files []inputFile) ([]FileResult, error) {
	docs := make([]ubl.Document, 0, len(files))
	for _, f := range files {
		r, err := os.Open(f.path)
		if err != nil {
			return nil, fmt.Errorf("ingest: %w", err)
		}
		doc, err := ubl.Parse(r, f.name)
		r.Close()
		if err != nil {
			return nil, &FileError{File: f.name, Format: UBL, Cause: strings.TrimPrefix(err.Error(), f.name+": ")}
		}
		docs = append(docs, doc)
	}
	// The same invoice sent again (a corrected copy) replaces the earlier
	// one, as a re-ingested row does.
	last := map[string]int{}
	for i, d := range docs {
		last[d.Invoice.ID] = i
	}
	out := make([]FileResult, len(files))
	var keep []int
	for i, f := range files {
		out[i] = FileResult{File: f.name, Kind: EInvoices, Format: UBL, SHA256: f.sha, Rows: 1}
		if j := last[docs[i].Invoice.ID]; j != i {
			out[i].Rows = 0
			out[i].Message = fmt.Sprintf("invoice %s is also in %s, which replaces it", docs[i].Invoice.ID, files[j].name)
			continue
		}
		keep = append(keep, i)
	}
	cols := make([]string, len(ublInvoiceColumns))
	for i, c := range ublInvoiceColumns {
		cols[i] = quoteIdent(c) + " VARCHAR"
	}
	stmts := []string{
		`CREATE OR REPLACE TEMP TABLE ` + ublInvoicesTable + ` (` + strings.Join(cols, ", ") + `)`,
		`CREATE OR REPLACE TEMP TABLE ` + ublCustomersTable + ` (customer_id VARCHAR, name VARCHAR, country VARCHAR,
			registration_id VARCHAR, email VARCHAR, phone VARCHAR, address VARCHAR)`,
	}
	for _, s := range stmts {
		if _, err := l.conn.ExecContext(ctx, s); err != nil {
			return nil, err
		}
	}
	err := l.conn.Raw(func(dc any) error {
		inv, err := duckdb.NewAppender(dc.(driver.Conn), "temp", "main", ublInvoicesTable)
		if err != nil {
			return err
		}
		cust, err := duckdb.NewAppender(dc.(driver.Conn), "temp", "main", ublCustomersTable)
		if err != nil {
			inv.Close()
			return err
		}
		for _, i := range keep {
			d := docs[i]
			v := d.Invoice
			due := ""
			if !v.DueDate.IsZero() {
				due = v.DueDate.String()
			}
			c := d.Customer
			err := inv.AppendRow(v.ID, v.CustomerID, v.InvoiceDate.String(), orNull(due), v.Amount.String(), orNull(v.Currency),
				orNull(v.Description), orNull(d.PaymentReference), orNull(d.PaymentTerms), orNull(d.PrecedingInvoice), files[i].name)
			if err == nil {
				err = cust.AppendRow(c.ID, orNull(c.Name), orNull(c.Country), orNull(c.RegistrationID), orNull(c.Email), orNull(c.Phone), orNull(d.Address))
			}
			if err != nil {
				inv.Close()
				cust.Close()
				return err
			}
		}
		if err := inv.Close(); err != nil {
			cust.Close()
			return err
		}
		return cust.Close()
	})
	if err != nil {
		return nil, fmt.Errorf("ingest e-invoices: %w", err)
	}
	// New buyers first, with their details, so that the invoices find them.
	for _, s := range []string{
		`INSERT INTO customers (customer_id, name, country, registration_id, email, phone, attributes, bare, ingest_run_id)
			SELECT customer_id, any_value(name), any_value(country), any_value(registration_id), any_value(email), any_value(phone),
				json_object('address', any_value(address)), false, $1
			FROM ` + ublCustomersTable + ` WHERE customer_id NOT IN (SELECT customer_id FROM customers) GROUP BY customer_id`,
		`UPDATE customers SET name = u.name, country = u.country, registration_id = u.registration_id, email = u.email,
				phone = u.phone, bare = false
			FROM (SELECT customer_id, any_value(name) AS name, any_value(country) AS country, any_value(registration_id) AS registration_id,
				any_value(email) AS email, any_value(phone) AS phone FROM ` + ublCustomersTable + ` GROUP BY customer_id) u
			WHERE customers.customer_id = u.customer_id AND customers.bare`,
	} {
		if _, err := l.conn.ExecContext(ctx, s, l.runID); err != nil {
			return nil, fmt.Errorf("ingest e-invoices: customers: %w", err)
		}
	}
	known := map[string]bool{}
	rows, err := l.conn.QueryContext(ctx, `SELECT invoice_id FROM `+ublInvoicesTable+` WHERE invoice_id IN (SELECT invoice_id FROM invoices)`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		known[id] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	name := files[0].name
	if len(files) > 1 {
		name = fmt.Sprintf("%d e-invoices (%s ...)", len(files), files[0].name)
	}
	batch := inputFile{name: name, kind: Invoices, format: UBL,
		query: "SELECT * FROM " + ublInvoicesTable, columns: ublInvoiceColumns}
	if _, err := l.load(ctx, batch); err != nil {
		return nil, err
	}
	for _, i := range keep {
		if known[docs[i].Invoice.ID] {
			out[i].Updated = 1
		} else {
			out[i].Inserted = 1
		}
	}
	return out, nil
}

// orNull turns an empty string into a NULL, for the appender and query arguments.
func orNull(s string) driver.Value {
	if s == "" {
		return nil
	}
	return s
}
