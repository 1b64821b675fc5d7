-- forecast_history: the invoices the cash forecast learns from and forecasts,
-- as the ledger stood on an as-of date, one row per invoice.
--   $1  as-of date (DATE)
--   $2  currency (SELECT report_currency())
--   $3  first invoice date of the learning window (DATE); invoices dated
--       before it are read only when they are still open on $1
-- Only what was known on $1 counts: invoices dated <= $1 and allocations made
-- on or before $1 (the allocation is causal, see 003_analytics_macros.sql).
-- Columns:
--   customer_id, segment ('' when unknown), invoice_date, due_date
--   disputed      the dispute state on $1 (the dispute actions, else the
--                 ledger's flag: invoice_disputes in 009_dunning_disputes.sql)
--   amount_cents  the invoice amount in cents
--   open_cents    what is still open on $1, in cents (0 when settled)
--   settled_on    the day of the last allocation when the allocations cover
--                 the amount on $1; NULL while open
WITH alloc AS (
    SELECT invoice_id, sum(amount) AS allocated, max(allocated_on) AS last_on
    FROM payment_allocations
    WHERE allocated_on <= CAST($1 AS DATE)
    GROUP BY invoice_id
)
SELECT i.customer_id,
       coalesce(c.segment, '')                                      AS segment,
       i.invoice_date,
       i.due_date,
       coalesce(d.disputed, i.disputed)                             AS disputed,
       CAST(round(i.amount * 100) AS BIGINT)                        AS amount_cents,
       CAST(round(greatest(i.amount - coalesce(a.allocated, 0), 0) * 100) AS BIGINT) AS open_cents,
       CASE WHEN coalesce(a.allocated, 0) >= i.amount THEN a.last_on END AS settled_on,
       i.invoice_id
FROM invoices i
LEFT JOIN alloc a ON a.invoice_id = i.invoice_id
LEFT JOIN invoice_disputes(CAST($1 AS DATE)) d ON d.invoice_id = i.invoice_id
LEFT JOIN (SELECT DISTINCT ON (customer_id) customer_id, segment FROM customers) c
       ON c.customer_id = i.customer_id
WHERE i.invoice_date <= CAST($1 AS DATE)
  AND i.amount > 0
  AND i.currency = $2
  AND (i.invoice_date >= CAST($3 AS DATE) OR coalesce(a.allocated, 0) < i.amount)
ORDER BY i.customer_id, i.due_date, i.invoice_id;
