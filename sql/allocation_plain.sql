-- allocation_plain: the allocations of the common case, written in bulk: a
-- payment that names an invoice and settles it with its whole amount on its
-- own day. The replay in ingest/allocate.go decides every other case and
-- lists the named payments that are not plain in alloc_not_plain.
INSERT INTO payment_allocations
SELECT p.customer_id, p.invoice_id, 'payment', p.payment_id, p.amount, p.payment_date, 'invoice_reference'
FROM payments p
JOIN alloc_customers a ON a.customer_id = p.customer_id
WHERE p.invoice_id IS NOT NULL
  AND p.amount > 0
  AND p.payment_id NOT IN (SELECT payment_id FROM alloc_not_plain)
