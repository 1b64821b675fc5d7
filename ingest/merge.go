package ingest

import (
	"strings"
)

// attributesExpr is a JSON object of the extra columns, or NULL.
func attributesExpr(extras []string) string {
	if len(extras) == 0 {
		return "CAST(NULL AS JSON)"
	}
	var kv []string
	for _, e := range extras {
		kv = append(kv, quoteString(e), "s."+quoteIdent(e))
	}
	return "json_object(" + strings.Join(kv, ", ") + ")"
}

// mergeStatements replace the stage rows into their table. $1 is the run id,
// $2 the reporting currency of invoices and payments. fillCustomers says that
// some payments lack a customer_id; converted, that fxTable holds the
// converted amounts of some of the rows (see currency.go).
func mergeStatements(kind Kind, extras []string, strict bool, stage string, fillCustomers, converted bool) []string {
	spec := specs[kind]
	v := typedCol
	attrs := attributesExpr(extras)
	stageFrom := quoteIdent(stage) + " s"
	table, key := string(kind), spec.key
	var stmts []string
	var insert string
	// The amount in the reporting currency, the rate it was converted at and
	// the currency a payment was taken to be in.
	insertFrom, amount, rate, paid := stageFrom, v("amount"), "1", "$2"
	if converted {
		insertFrom += " LEFT JOIN " + fxTable + " fx ON fx.id = " + v(spec.key)
		amount, rate, paid = "coalesce(fx.amount, "+v("amount")+")", "coalesce(fx.fx_rate, 1)", "coalesce(fx.cur, $2)"
	}
	switch kind {
	case Customers:
		insert = `INSERT INTO customers (customer_id, name, country, segment, kind, payment_terms_days, credit_limit,
				registration_id, email, phone, attributes, bare, ingest_run_id)
			SELECT ` + v("customer_id") + `, ` + v("name") + `, ` + v("country") + `, ` + v("segment") + `,
				coalesce(` + v("kind") + `, 'b2b'), coalesce(` + v("payment_terms_days") + `, 30), ` + v("credit_limit") + `,
				` + v("registration_id") + `, ` + v("email") + `, ` + v("phone") + `, ` + attrs + `, false, $1
			FROM ` + stageFrom
	case Invoices:
		// A missing due date follows the customer's terms (30 days for a new customer).
		insert = `INSERT INTO invoices (invoice_id, customer_id, invoice_date, due_date, amount, currency, disputed, description, attributes, ingest_run_id,
				original_amount, original_currency, fx_rate)
			SELECT ` + v("invoice_id") + `, ` + v("customer_id") + `, ` + v("invoice_date") + `,
				coalesce(` + v("due_date") + `, ` + v("invoice_date") + ` + coalesce(c.payment_terms_days, 30)),
				` + amount + `, $2, coalesce(` + v("disputed") + `, false),
				` + v("description") + `, ` + attrs + `, $1,
				` + v("amount") + `, coalesce(` + v("currency") + `, 'EUR'), ` + rate + `
			FROM ` + insertFrom + ` LEFT JOIN customers c ON c.customer_id = ` + v("customer_id")
	case Payments:
		// A payment without customer_id belongs to the customer of its invoice.
		if fillCustomers {
			stmts = append(stmts, `UPDATE `+quoteIdent(stage)+` AS s SET `+quoteIdent(typedPrefix+"customer_id")+` = i.customer_id
				FROM invoices i WHERE `+typedCol("customer_id")+` IS NULL AND i.invoice_id = `+typedCol("invoice_id"))
		}
		insert = `INSERT INTO payments (payment_id, customer_id, invoice_id, payment_date, amount, method, reference, attributes, ingest_run_id,
				original_amount, original_currency, fx_rate)
			SELECT ` + v("payment_id") + `, ` + v("customer_id") + `, ` + v("invoice_id") + `, ` + v("payment_date") + `, ` + amount + `,
				` + v("method") + `, ` + v("reference") + `, ` + attrs + `, $1,
				` + v("amount") + `, ` + paid + `, ` + rate + `
			FROM ` + insertFrom
	case CustomerAccounts:
		insert = `INSERT INTO customer_accounts (iban, customer_id, name, source, added_at, ingest_run_id)
			SELECT ` + v("iban") + `, ` + v("customer_id") + `, ` + v("name") + `, 'input', now(), $1
			FROM ` + stageFrom
	}
	if kind == Invoices || kind == Payments {
		cust := v("customer_id")
		stmts = append(stmts, `INSERT INTO affected SELECT DISTINCT `+cust+` FROM `+stageFrom+`
			UNION SELECT customer_id FROM `+table+` WHERE `+key+` IN (SELECT `+v(key)+` FROM `+stageFrom+`)`)
		if !strict {
			stmts = append(stmts, `INSERT INTO customers (customer_id, bare, ingest_run_id)
				SELECT DISTINCT `+cust+`, true, $1 FROM `+stageFrom+`
				WHERE `+cust+` NOT IN (SELECT customer_id FROM customers)`)
		}
	}
	return append(stmts,
		`DELETE FROM `+table+` WHERE `+key+` IN (SELECT `+v(key)+` FROM `+stageFrom+`)`,
		insert)
}
