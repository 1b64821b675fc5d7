-- customer_overdue_invoice_ids: a customer's open invoices past due on a
-- day (day, customer_id), oldest due first.
SELECT invoice_id FROM open_invoices(CAST(? AS DATE), report_currency())
WHERE customer_id = ? AND days_past_due > 0 ORDER BY due_date, invoice_id
