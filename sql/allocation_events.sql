-- allocation_events: the invoices, credit notes and payments of the customers
-- in the temporary table alloc_customers, in the order the allocation replays
-- them: by customer, day, then invoices, then credit notes, then payments,
-- then id. Amounts in cents, days since 1970-01-01. Read as one stream.
SELECT e.customer_id, e.day, e.ord, e.id, e.cents, e.invoice_id, e.reference
FROM (
    SELECT customer_id,
           CAST(date_diff('day', DATE '1970-01-01', invoice_date) AS INTEGER) AS day,
           CASE WHEN amount >= 0 THEN 0 ELSE 1 END AS ord,
           invoice_id AS id,
           CAST(amount * 100 AS BIGINT) AS cents,
           CAST(NULL AS VARCHAR) AS invoice_id,
           CAST(NULL AS VARCHAR) AS reference
    FROM invoices
    UNION ALL
    SELECT customer_id,
           CAST(date_diff('day', DATE '1970-01-01', payment_date) AS INTEGER),
           2,
           payment_id,
           CAST(amount * 100 AS BIGINT),
           invoice_id,
           CASE WHEN invoice_id IS NULL THEN reference END
    FROM payments
) e
WHERE e.customer_id IN (SELECT customer_id FROM alloc_customers)
ORDER BY e.customer_id, e.day, e.ord, e.id
