package ingest

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// Open-items lists (*openstaande posten*): many teams have only the list of
// open invoices on a date, and perhaps a payment history. A list loads as
// its invoices plus, for the part of each invoice already paid, a payment
// on the list's date marked as derived, so that the aging and the balances
// on that date match the list to the cent. A later list updates them: the
// paid part that grew becomes another derived payment on the later date, and
// an invoice of an earlier list that is missing from the later one is paid
// in full by then.

// snapshotColumns are the columns of an open-items list; the first seven
// are required.
var snapshotColumns = []string{"invoice_id", "customer_id", "invoice_date", "due_date", "amount", "open_amount", "as_of",
	"currency", "description"}

// snapshotRequired is how many of snapshotColumns a list must have.
const snapshotRequired = 7

// snapshotTable holds the list being loaded, as text, with its lines.
const snapshotTable = "open_items_list"

// DerivedPaymentPrefix starts the id of a payment derived from an open-items
// list: open-items:INVOICE:YYYY-MM-DD.
const DerivedPaymentPrefix = "open-items:"

// loadSnapshot loads an open-items list: its invoices (through the path of
// the invoices files, validated alike) and the derived payments of their
// paid parts. Credit notes on the list (negative amounts) load as credit
// notes of their open amount.
func (l *loader) loadSnapshot(ctx context.Context, f inputFile) (FileResult, error) {
	fr := FileResult{File: f.name, Kind: OpenItems, Format: f.format, SHA256: f.sha}
	src, header, err := l.source(ctx, f)
	if err != nil {
		return fr, err
	}
	var missing []string
	for _, c := range snapshotColumns[:snapshotRequired] {
		if !slices.Contains(header, c) {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return fr, &FileError{File: f.name, Format: f.format, Cause: fmt.Sprintf(
			"an open-items list needs the columns %s; missing %s (found: %s)",
			strings.Join(snapshotColumns[:snapshotRequired], ", "), strings.Join(missing, ", "), strings.Join(header, ", "))}
	}
	cols := make([]string, 0, len(snapshotColumns))
	for _, c := range snapshotColumns {
		if slices.Contains(header, c) {
			cols = append(cols, "trim("+quoteIdent(c)+") AS "+quoteIdent(c))
		} else {
			cols = append(cols, "NULL::VARCHAR AS "+quoteIdent(c))
		}
	}
	// The lines keep the file's order: line 1 is the header.
	if _, err := l.conn.ExecContext(ctx, `SET preserve_insertion_order = true`); err != nil {
		return fr, err
	}
	_, err = l.conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE `+snapshotTable+` AS
		SELECT row_number() OVER () + 1 AS line, `+strings.Join(cols, ", ")+` FROM (`+src+`)`)
	if _, rerr := l.conn.ExecContext(ctx, `SET preserve_insertion_order = false`); err == nil {
		err = rerr
	}
	if err != nil {
		return fr, &FileError{File: f.name, Format: f.format, Cause: "cannot be read: " + cleanDuckDBError(err)}
	}
	if err := l.snapshotProblems(ctx, f); err != nil {
		return fr, err
	}
	var asOf string
	if err := l.conn.QueryRowContext(ctx, `SELECT strftime(max(CAST(as_of AS DATE)), '%Y-%m-%d') FROM `+snapshotTable).Scan(&asOf); err != nil {
		return fr, err
	}

	// The invoices, as an invoices file of the same lines would load them;
	// a credit note with its open amount. source marks them as the list's.
	invoices := inputFile{name: f.name, kind: Invoices, format: f.format, columns: []string{"invoice_id", "customer_id",
		"invoice_date", "due_date", "amount", "currency", "description", "source"},
		query: `SELECT invoice_id, customer_id, invoice_date, due_date,
				CASE WHEN TRY_CAST(amount AS DECIMAL(18,2)) < 0 THEN open_amount ELSE amount END AS amount,
				currency, description, 'open_items' AS source
			FROM ` + snapshotTable + ` ORDER BY line`}
	ir, err := l.load(ctx, invoices)
	if err != nil {
		return fr, err
	}
	fr.Rows, fr.Inserted, fr.Updated = ir.Rows, ir.Inserted, ir.Updated

	// The paid parts: what the list says is paid, less what payments
	// referring to the invoice already paid (derived ones of other dates
	// and real ones), as one derived payment on the list's date. Invoices of
	// earlier lists missing from this one are paid in full by its date.
	payments := inputFile{name: f.name + " (derived payments)", kind: Payments, format: f.format,
		columns: []string{"payment_id", "customer_id", "invoice_id", "payment_date", "amount", "method", "reference", "derived"},
		query: `WITH listed AS (
				SELECT invoice_id, customer_id, CAST(amount AS DECIMAL(18,2)) AS amount,
					CAST(open_amount AS DECIMAL(18,2)) AS open_amount
				FROM ` + snapshotTable + `
				WHERE CAST(amount AS DECIMAL(18,2)) > 0
			),
			gone AS (
				SELECT i.invoice_id, i.customer_id, i.amount, CAST(0 AS DECIMAL(18,2)) AS open_amount
				FROM invoices i
				WHERE json_extract_string(i.attributes, '$.source') = 'open_items'
				  AND i.amount > 0
				  AND i.invoice_date <= DATE '` + asOf + `'
				  AND i.invoice_id NOT IN (SELECT invoice_id FROM ` + snapshotTable + `)
			),
			items AS (SELECT * FROM listed UNION ALL SELECT * FROM gone),
			paid AS (
				SELECT p.invoice_id, sum(p.amount) AS paid
				FROM payments p
				WHERE p.invoice_id IN (SELECT invoice_id FROM items)
				  AND p.payment_id <> '` + DerivedPaymentPrefix + `' || p.invoice_id || ':` + asOf + `'
				GROUP BY p.invoice_id
			)
			SELECT '` + DerivedPaymentPrefix + `' || t.invoice_id || ':` + asOf + `' AS payment_id, t.customer_id, t.invoice_id,
				'` + asOf + `' AS payment_date, CAST(t.amount - t.open_amount - coalesce(p.paid, 0) AS VARCHAR) AS amount,
				'open items list' AS method, NULL::VARCHAR AS reference, 'open_items' AS derived
			FROM items t LEFT JOIN paid p ON p.invoice_id = t.invoice_id
			WHERE t.amount - t.open_amount - coalesce(p.paid, 0) <> 0`}
	pr, err := l.load(ctx, payments)
	if err != nil {
		return fr, err
	}
	fr.Message = fmt.Sprintf("open-items list of %s: %d invoices, %d derived payments for the parts paid", asOf, fr.Rows, pr.Rows)
	return fr, nil
}

// snapshotProblems checks what the invoices' validation does not: the
// list's date and open amounts, with the lines of the file.
func (l *loader) snapshotProblems(ctx context.Context, f inputFile) error {
	rows, err := l.conn.QueryContext(ctx, `
		WITH t AS (
			SELECT line, as_of, open_amount, TRY_CAST(amount AS DECIMAL(18,2)) AS amt,
				CASE WHEN regexp_full_match(open_amount, '-?[0-9]+(\.[0-9]{1,2})?') THEN CAST(open_amount AS DECIMAL(18,2)) END AS open_amt,
				TRY_CAST(as_of AS DATE) AS day
			FROM `+snapshotTable+`
		),
		first_day AS (SELECT min(day) AS day FROM t)
		SELECT line, 'as_of', coalesce(as_of, ''), 'a date YYYY-MM-DD' FROM t WHERE day IS NULL
		UNION ALL
		SELECT line, 'as_of', as_of, 'the same date on every line (' || strftime((SELECT day FROM first_day), '%Y-%m-%d') || ')'
			FROM t WHERE day IS NOT NULL AND day <> (SELECT day FROM first_day)
		UNION ALL
		SELECT line, 'open_amount', coalesce(open_amount, ''), 'an amount with a dot and at most two decimals (like 1234.56)'
			FROM t WHERE open_amt IS NULL
		UNION ALL
		SELECT line, 'open_amount', open_amount, 'an open amount between 0 and the amount'
			FROM t WHERE open_amt IS NOT NULL AND amt IS NOT NULL
			  AND ((amt >= 0 AND (open_amt < 0 OR open_amt > amt)) OR (amt < 0 AND (open_amt > 0 OR open_amt < amt)))
		ORDER BY 1, 2`)
	if err != nil {
		return err
	}
	defer rows.Close()
	fe := &FileError{File: f.name, Format: f.format}
	for rows.Next() {
		var p Problem
		if err := rows.Scan(&p.Line, &p.Column, &p.Value, &p.Expected); err != nil {
			return err
		}
		fe.Total++
		if len(fe.Problems) < maxProblems {
			fe.Problems = append(fe.Problems, p)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if fe.Total > 0 {
		return fe
	}
	return nil
}
