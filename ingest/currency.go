package ingest

import (
	"context"
	"fmt"
	"strings"
)

// Invoices and payments in another currency than the ledger's reporting
// currency are converted when they are merged, so that every analytic adds
// up amounts in one currency; the row keeps what came in (original_amount,
// original_currency) and the rate used (fx_rate, units of the original
// currency per unit of the reporting currency).
//
// The rules:
//   - The reporting currency is the ledger's (report_currency() in
//     sql/003_analytics_macros.sql); a new ledger takes the most common
//     currency of its first invoices file (ties: EUR first).
//   - An invoice converts at its invoice_date, a payment at its
//     payment_date, with the latest rate on or before that date from
//     exchange_rates, at most maxRateAge days older. Other currencies than
//     EUR go through EUR: amount × per_eur(reporting) / per_eur(original).
//   - The converted amount is rounded half away from zero to the cent
//     (half up for invoices, the mirror for credit notes and reversals),
//     computed on whole numbers, never in floating point.
//   - Payments have no currency in the input: a payment is in the original
//     currency of the invoice it names; without one, in the currency of its
//     customer's invoices when they all share one; otherwise in the
//     reporting currency. Payments booked from bank statements are taken in
//     the reporting currency.
//   - A missing or too old rate refuses the whole run, naming the currency
//     and the first date without a rate.

// maxRateAge is how many days the rate used may be older than the day it
// converts: the ECB publishes on business days only.
const maxRateAge = 7

// fxTable holds the converted amounts of one file's rows that needed it.
const fxTable = "fx_convert"

// reportingCurrency is the currency the file's invoices and payments are
// converted to.
func (l *loader) reportingCurrency(ctx context.Context, kind Kind, stage string) (string, error) {
	q := `SELECT coalesce((SELECT currency FROM invoices GROUP BY currency
			ORDER BY count(*) DESC, currency <> 'EUR', currency LIMIT 1), 'EUR')`
	if kind == Invoices {
		cur := `coalesce(` + typedCol("currency") + `, 'EUR')`
		q = `SELECT coalesce((SELECT currency FROM invoices GROUP BY currency
				ORDER BY count(*) DESC, currency <> 'EUR', currency LIMIT 1),
			(SELECT ` + cur + ` AS c FROM ` + quoteIdent(stage) + ` s GROUP BY c
				ORDER BY count(*) DESC, c <> 'EUR', c LIMIT 1), 'EUR')`
	}
	var cur string
	err := l.conn.QueryRowContext(ctx, q).Scan(&cur)
	return cur, err
}

// convert fills fxTable with the converted amounts of the stage's rows that
// are in another currency than cur, and says whether there are any. It
// refuses the file when a rate is missing.
func (l *loader) convert(ctx context.Context, f inputFile, stage, cur string) (bool, error) {
	s := quoteIdent(stage) + " s"
	var need string
	switch {
	case f.kind == Invoices:
		var n int64
		if err := l.conn.QueryRowContext(ctx, `SELECT count(*) FROM `+s+` WHERE coalesce(`+typedCol("currency")+`, 'EUR') <> ?`, cur).Scan(&n); err != nil {
			return false, err
		}
		if n == 0 {
			return false, nil
		}
		need = `SELECT ` + typedCol("invoice_id") + ` AS id, coalesce(` + typedCol("currency") + `, 'EUR') AS cur,
				` + typedCol("invoice_date") + ` AS day, ` + typedCol("amount") + ` AS amount
			FROM ` + s
	case f.kind == Payments && f.format != Derived:
		// Only a ledger with invoices in other currencies has payments to convert.
		var foreign bool
		if err := l.conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM invoices WHERE original_currency <> ?)`, cur).Scan(&foreign); err != nil {
			return false, err
		}
		if !foreign {
			return false, nil
		}
		need = `SELECT ` + typedCol("payment_id") + ` AS id,
				coalesce(i.original_currency, c.cur, $target) AS cur,
				` + typedCol("payment_date") + ` AS day, ` + typedCol("amount") + ` AS amount
			FROM ` + s + `
			LEFT JOIN invoices i ON i.invoice_id = ` + typedCol("invoice_id") + `
			LEFT JOIN (SELECT customer_id, any_value(original_currency) AS cur FROM invoices
				GROUP BY customer_id HAVING count(DISTINCT original_currency) = 1) c
				ON c.customer_id = coalesce(` + typedCol("customer_id") + `, i.customer_id)`
	default:
		return false, nil
	}
	// Amounts in cents and rates in units of 1e-8 are whole numbers: the
	// conversion is exact up to its one rounding.
	q := `CREATE OR REPLACE TEMP TABLE ` + fxTable + ` AS
		WITH need AS (
			SELECT id, cur, day, amount, $target AS target FROM (` + need + `) WHERE cur <> $target
		), rated AS (
			SELECT n.id, n.cur, n.day, n.amount, n.target,
				CASE WHEN n.cur = 'EUR' THEN n.day ELSE x.rate_date END AS from_day,
				CAST(CASE WHEN n.cur = 'EUR' THEN 1 ELSE x.per_eur END * 100000000 AS HUGEINT) AS from_rate,
				CASE WHEN n.target = 'EUR' THEN n.day ELSE y.rate_date END AS to_day,
				CAST(CASE WHEN n.target = 'EUR' THEN 1 ELSE y.per_eur END * 100000000 AS HUGEINT) AS to_rate
			FROM need n
			ASOF LEFT JOIN exchange_rates x ON x.currency = n.cur AND n.day >= x.rate_date
			ASOF LEFT JOIN exchange_rates y ON y.currency = n.target AND n.day >= y.rate_date
		)
		SELECT id, cur, day, from_day, to_day, target,
			from_day >= day - ` + fmt.Sprint(maxRateAge) + ` AND to_day >= day - ` + fmt.Sprint(maxRateAge) + ` AS rated,
			CAST(CAST(sign(CAST(amount * 100 AS HUGEINT)) * ((abs(CAST(amount * 100 AS HUGEINT)) * to_rate * 2 + from_rate) // (2 * from_rate)) AS DECIMAL(38,0)) * 0.01 AS DECIMAL(18,2)) AS amount,
			CAST(CAST((from_rate * 100000000 * 2 + to_rate) // (2 * to_rate) AS DECIMAL(38,0)) * 0.00000001 AS DECIMAL(18,8)) AS fx_rate
		FROM rated`
	if _, err := l.conn.ExecContext(ctx, strings.ReplaceAll(q, "$target", "$1"), cur); err != nil {
		return false, fmt.Errorf("ingest %s: convert currencies: %w", f.name, err)
	}
	return true, l.missingRates(ctx, f)
}

// missingRates refuses the file when a row lacks a rate: per currency, the
// first date without one, and the latest rate before it when there is one.
func (l *loader) missingRates(ctx context.Context, f inputFile) error {
	rows, err := l.conn.QueryContext(ctx, `WITH missing AS (
			SELECT cur AS currency, day, from_day AS latest FROM `+fxTable+` WHERE from_day IS NULL OR from_day < day - `+fmt.Sprint(maxRateAge)+`
			UNION ALL
			SELECT target, day, to_day FROM `+fxTable+` WHERE to_day IS NULL OR to_day < day - `+fmt.Sprint(maxRateAge)+`
		)
		SELECT currency, min(day), CAST(arg_min(latest, day) AS VARCHAR) FROM missing GROUP BY currency ORDER BY currency`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var causes []string
	for rows.Next() {
		var cur, day string
		var latest *string
		if err := rows.Scan(&cur, &day, &latest); err != nil {
			return err
		}
		day = day[:min(len(day), 10)]
		msg := fmt.Sprintf("no exchange rate for %s on %s or the %d days before (the first %s date without one)", cur, day, maxRateAge, rowNoun(f.kind))
		if latest != nil {
			msg += "; the latest before it is of " + *latest
		}
		causes = append(causes, msg)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(causes) > 0 {
		return &FileError{File: f.name, Format: f.format, Cause: strings.Join(causes, "; ") +
			"; send an exchange-rates file (the ECB reference rates, eurofxref-hist.csv) in this run or an earlier one; nothing was loaded"}
	}
	return nil
}

// rowNoun names a row of the kind in messages.
func rowNoun(k Kind) string {
	if k == Payments {
		return "payment"
	}
	return "invoice"
}
