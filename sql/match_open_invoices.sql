-- match_open_invoices: the open invoices and those of the last 400 days
-- (settled ones with open amount zero: a reference to a settled invoice
-- still names it), with the payment reference stored with them, for
-- matching bank credits. Credit notes are left out: nobody pays them. Old
-- settled invoices stay out so that the matcher's memory follows the open
-- book, not the whole history.
SELECT i.invoice_id, i.customer_id, i.invoice_date, i.amount,
       greatest(i.amount - coalesce(a.allocated, 0), 0) AS open_amount,
       json_extract_string(i.attributes, '$.payment_reference') AS payment_reference
FROM invoices i
LEFT JOIN (
    SELECT invoice_id, sum(amount) AS allocated FROM payment_allocations GROUP BY invoice_id
) a USING (invoice_id)
WHERE i.amount > 0
  AND (i.amount - coalesce(a.allocated, 0) > 0
       OR i.invoice_date >= (SELECT max(invoice_date) FROM invoices) - INTERVAL 400 DAY)
ORDER BY i.customer_id, i.invoice_date, i.invoice_id
