-- aging_history: the aging (as in aging.sql) at each of several as-of dates,
-- one row per date, in date order, in one pass over the ledger.
--   $1  the as-of dates, comma-separated: '2025-01-31,2025-02-28,2025-03-31'
--   $2  currency (SELECT report_currency())
-- Joining every invoice with every date would multiply the ledger by the
-- number of dates. Instead each invoice is paired only with the dates on
-- which it is open: from its invoice date until the day it was (last)
-- settled, or on every later date while it is not. On most of those dates
-- its open amount follows from two sums per invoice: before its first
-- allocation it is open in full, from its last one on by amount less all
-- allocations. Only the dates between its first and last allocation (a
-- partial payment, a returned direct debit) look at its allocations again.
-- Unapplied credit is summed per day first.
WITH dates AS (
    SELECT DISTINCT CAST(trim(d) AS DATE) AS as_of
    FROM unnest(string_split($1, ',')) t(d)
),
-- allocations per invoice up to the last date: their sum, the first and the
-- last day
alloc AS (
    SELECT invoice_id,
           sum(amount) AS allocated,
           min(allocated_on) AS first_on,
           max(allocated_on) AS last_on
    FROM payment_allocations
    WHERE allocated_on <= CAST(list_max(string_split(replace($1, ' ', ''), ',')) AS DATE)
    GROUP BY invoice_id
),
-- each invoice with the days it may be open: [invoice_date, open_until)
inv AS (
    SELECT i.invoice_id, i.invoice_date, i.due_date, i.amount,
           coalesce(a.allocated, 0) AS allocated, a.first_on, a.last_on,
           CASE WHEN coalesce(a.allocated, 0) < i.amount THEN DATE 'infinity' ELSE a.last_on END AS open_until
    FROM invoices i
    LEFT JOIN alloc a ON a.invoice_id = i.invoice_id
    WHERE i.amount > 0
      AND i.currency = $2
      AND i.invoice_date <= CAST(list_max(string_split(replace($1, ' ', ''), ',')) AS DATE)
),
pairs AS (
    SELECT inv.*, d.as_of
    FROM inv
    JOIN dates d ON inv.invoice_date <= d.as_of AND d.as_of < inv.open_until
),
open_pairs AS (
    -- before the first allocation, or without any: open in full
    SELECT as_of, due_date, amount AS open_amount
    FROM pairs
    WHERE first_on IS NULL OR as_of < first_on
    UNION ALL
    -- from the last allocation on: amount less all allocations
    SELECT as_of, due_date, amount - allocated
    FROM pairs
    WHERE as_of >= last_on
    UNION ALL
    -- in between: amount less the allocations made by then
    SELECT p.as_of, any_value(p.due_date), any_value(p.amount) - sum(a.amount)
    FROM pairs p
    JOIN payment_allocations a ON a.invoice_id = p.invoice_id AND a.allocated_on <= p.as_of
    WHERE p.as_of >= p.first_on AND p.as_of < p.last_on
    GROUP BY p.invoice_id, p.as_of
),
by_bucket AS (
    SELECT as_of,
           aging_bucket(date_diff('day', due_date, as_of)) AS bucket,
           sum(open_amount) AS amount,
           count(*) AS n
    FROM open_pairs
    WHERE open_amount > 0
    GROUP BY ALL
),
aged AS (
    SELECT as_of,
           sum(amount)                                      AS open_total,
           sum(amount) FILTER (WHERE bucket <> 'current')   AS overdue_total,
           sum(amount) FILTER (WHERE bucket = 'current')    AS amount_current,
           CAST(sum(n) FILTER (WHERE bucket = 'current') AS BIGINT) AS count_current,
           sum(amount) FILTER (WHERE bucket = '1-30')       AS amount_1_30,
           CAST(sum(n) FILTER (WHERE bucket = '1-30') AS BIGINT) AS count_1_30,
           sum(amount) FILTER (WHERE bucket = '31-60')      AS amount_31_60,
           CAST(sum(n) FILTER (WHERE bucket = '31-60') AS BIGINT) AS count_31_60,
           sum(amount) FILTER (WHERE bucket = '61-90')      AS amount_61_90,
           CAST(sum(n) FILTER (WHERE bucket = '61-90') AS BIGINT) AS count_61_90,
           sum(amount) FILTER (WHERE bucket = '90+')        AS amount_90_plus,
           CAST(sum(n) FILTER (WHERE bucket = '90+') AS BIGINT) AS count_90_plus
    FROM by_bucket
    GROUP BY as_of
),
-- unapplied credit as in unapplied_credit(as_of, cur), from sums per day:
-- payments, credit notes, less allocations (to invoices in the currency)
credit_days AS (
    SELECT payment_date AS day, sum(amount) AS credit
    FROM payments
    WHERE customer_id NOT IN (SELECT customer_id FROM foreign_customers($2))
    GROUP BY day
    UNION ALL
    SELECT invoice_date, -sum(amount)
    FROM invoices
    WHERE amount < 0 AND currency = $2
    GROUP BY invoice_date
    UNION ALL
    SELECT allocated_on, -sum(amount)
    FROM payment_allocations
    GROUP BY allocated_on
    UNION ALL
    SELECT a.allocated_on, sum(a.amount)
    FROM payment_allocations a
    JOIN invoices i ON i.invoice_id = a.invoice_id
    WHERE i.currency <> $2
    GROUP BY a.allocated_on
),
unapplied AS (
    SELECT d.as_of, sum(c.credit) AS unapplied_credit
    FROM dates d
    JOIN credit_days c ON c.day <= d.as_of
    GROUP BY d.as_of
)
SELECT d.as_of,
       coalesce(a.open_total, 0)       AS open_total,
       coalesce(a.overdue_total, 0)    AS overdue_total,
       coalesce(u.unapplied_credit, 0) AS unapplied_credit,
       coalesce(a.amount_current, 0)   AS amount_current,
       coalesce(a.count_current, 0)    AS count_current,
       coalesce(a.amount_1_30, 0)      AS amount_1_30,
       coalesce(a.count_1_30, 0)       AS count_1_30,
       coalesce(a.amount_31_60, 0)     AS amount_31_60,
       coalesce(a.count_31_60, 0)      AS count_31_60,
       coalesce(a.amount_61_90, 0)     AS amount_61_90,
       coalesce(a.count_61_90, 0)      AS count_61_90,
       coalesce(a.amount_90_plus, 0)   AS amount_90_plus,
       coalesce(a.count_90_plus, 0)    AS count_90_plus
FROM dates d
LEFT JOIN aged a ON a.as_of = d.as_of
LEFT JOIN unapplied u ON u.as_of = d.as_of
ORDER BY d.as_of;
