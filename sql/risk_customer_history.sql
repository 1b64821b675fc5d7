-- risk_customer_history: how each invoice of one customer was paid, as
-- known on an as-of date A, in invoice date order. Credit notes are left
-- out.
--   $1  as-of date A (DATE)
--   $2  currency (SELECT report_currency())
--   $3  customer_id
-- paid_on is the day the invoice's allocations (made on or before A) last
-- reached its amount (NULL while open): allocations never exceed the
-- amount, so that is the last day they went up (see risk_features.sql).
WITH alloc AS (
    SELECT invoice_id,
           sum(amount) AS allocated,
           max(allocated_on) FILTER (WHERE amount > 0) AS last_up
    FROM (SELECT invoice_id, allocated_on, sum(amount) AS amount
          FROM payment_allocations
          WHERE customer_id = $3 AND allocated_on <= CAST($1 AS DATE)
          GROUP BY invoice_id, allocated_on)
    GROUP BY invoice_id
)
SELECT i.invoice_id,
       i.invoice_date,
       i.due_date,
       CASE WHEN coalesce(a.allocated, 0) >= i.amount THEN a.last_up END AS paid_on,
       i.amount,
       i.amount - coalesce(a.allocated, 0) AS open_amount
FROM invoices i
LEFT JOIN alloc a ON a.invoice_id = i.invoice_id
WHERE i.customer_id = $3
  AND i.currency = $2
  AND i.invoice_date <= CAST($1 AS DATE)
  AND i.amount > 0
ORDER BY i.invoice_date, i.invoice_id;
