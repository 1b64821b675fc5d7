-- risk_ledger_end: the last day the ledger knows of, the latest invoice or
-- payment date (NULL for an empty ledger). The risk backtest judges its
-- predictions by what was known on that day. No parameters.
SELECT greatest((SELECT max(invoice_date) FROM invoices),
                (SELECT max(payment_date) FROM payments)) AS last_day;
