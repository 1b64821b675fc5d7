-- overdue_invoice_ids: each customer's open invoices past due on the as-of
-- date (?), oldest due first: what a dispute recorded from the worklist
-- page names.
SELECT customer_id, invoice_id FROM open_invoices(CAST(? AS DATE), report_currency())
WHERE days_past_due > 0 ORDER BY customer_id, due_date, invoice_id
