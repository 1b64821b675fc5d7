-- match_open_invoices: the invoices with their open amount today (zero when
-- settled: a reference to a settled invoice still names it) and the payment
-- reference stored with them, for matching bank credits. Credit notes are
-- left out: nobody pays them.
SELECT i.invoice_id, i.customer_id, i.invoice_date, i.amount,
       greatest(i.amount - coalesce(a.allocated, 0), 0) AS open_amount,
       json_extract_string(i.attributes, '$.payment_reference') AS payment_reference
FROM invoices i
LEFT JOIN (
    SELECT invoice_id, sum(amount) AS allocated FROM payment_allocations GROUP BY invoice_id
) a USING (invoice_id)
WHERE i.amount > 0
ORDER BY i.customer_id, i.invoice_date, i.invoice_id
