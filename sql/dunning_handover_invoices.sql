-- dunning_handover_invoices: the overdue invoices of a hand-over file on
-- the as-of date (as-of date, customer_id), oldest due first.
SELECT invoice_id, invoice_date, due_date, amount, open_amount, days_past_due
FROM open_invoices(CAST(? AS DATE), report_currency())
WHERE customer_id = ? AND days_past_due > 0 ORDER BY due_date, invoice_id
