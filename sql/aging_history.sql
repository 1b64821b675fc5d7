-- aging_history: the aging (as in aging.sql) at each of several as-of dates,
-- one row per date, in date order; in one pass over the ledger.
--   $1  the as-of dates, comma-separated: '2025-01-31,2025-02-28,2025-03-31'
--   $2  currency (SELECT report_currency())
-- Most invoices are settled within weeks, so instead of joining every invoice
-- with every date, it pairs an invoice only with the dates on which it may
-- still be open (from its invoice date until its last allocation, or all
-- later dates while it is not fully settled) and sums the allocations of
-- only those pairs. Unapplied credit is summed per day first.
WITH dates AS (
    SELECT DISTINCT CAST(trim(d) AS DATE) AS as_of
    FROM unnest(string_split($1, ',')) t(d)
),
bounds AS (
    SELECT max(as_of) AS last_as_of FROM dates
),
-- allocations per invoice up to the last date, and the day of the last one
alloc AS (
    SELECT invoice_id, sum(amount) AS allocated, max(allocated_on) AS last_on
    FROM payment_allocations
    WHERE allocated_on <= (SELECT last_as_of FROM bounds)
    GROUP BY invoice_id
),
-- invoices that are open on some date: on a date on or after last_on an
-- invoice is open by amount - allocated, so a settled one is not open then
inv AS (
    SELECT i.invoice_id, i.invoice_date, i.due_date, i.amount,
           coalesce(a.allocated, 0) AS allocated, a.last_on
    FROM invoices i
    LEFT JOIN alloc a ON a.invoice_id = i.invoice_id
    WHERE i.amount > 0
      AND i.currency = $2
      AND i.invoice_date <= (SELECT last_as_of FROM bounds)
      AND (coalesce(a.allocated, 0) < i.amount OR a.last_on > i.invoice_date)
),
pairs AS (
    SELECT inv.*, d.as_of
    FROM inv
    JOIN dates d ON inv.invoice_date <= d.as_of
                AND (inv.allocated < inv.amount OR d.as_of < inv.last_on)
),
-- the open amount of each pair: all allocations count from last_on on,
-- before it only those made on or before the date
open_pairs AS (
    SELECT as_of, due_date, amount - allocated AS open_amount
    FROM pairs
    WHERE last_on IS NULL OR as_of >= last_on
    UNION ALL
    SELECT p.as_of, any_value(p.due_date), any_value(p.amount) - coalesce(sum(a.amount), 0)
    FROM pairs p
    LEFT JOIN payment_allocations a ON a.invoice_id = p.invoice_id AND a.allocated_on <= p.as_of
    WHERE p.as_of < p.last_on
    GROUP BY p.invoice_id, p.as_of
),
o AS (
    SELECT as_of, open_amount,
           date_diff('day', due_date, as_of) AS days_past_due,
           aging_bucket(date_diff('day', due_date, as_of)) AS bucket
    FROM open_pairs
    WHERE open_amount > 0
),
aged AS (
    SELECT as_of,
           sum(open_amount)                                                  AS open_total,
           sum(open_amount) FILTER (WHERE days_past_due > 0)                 AS overdue_total,
           sum(open_amount) FILTER (WHERE bucket = 'current')                AS amount_current,
           count(*) FILTER (WHERE bucket = 'current')                        AS count_current,
           sum(open_amount) FILTER (WHERE bucket = '1-30')                   AS amount_1_30,
           count(*) FILTER (WHERE bucket = '1-30')                           AS count_1_30,
           sum(open_amount) FILTER (WHERE bucket = '31-60')                  AS amount_31_60,
           count(*) FILTER (WHERE bucket = '31-60')                          AS count_31_60,
           sum(open_amount) FILTER (WHERE bucket = '61-90')                  AS amount_61_90,
           count(*) FILTER (WHERE bucket = '61-90')                          AS count_61_90,
           sum(open_amount) FILTER (WHERE bucket = '90+')                    AS amount_90_plus,
           count(*) FILTER (WHERE bucket = '90+')                            AS count_90_plus
    FROM o
    GROUP BY as_of
),
-- unapplied credit as in unapplied_credit(as_of, cur), from sums per day
credit_days AS (
    SELECT payment_date AS day, sum(amount) AS credit
    FROM payments
    WHERE payment_date <= (SELECT last_as_of FROM bounds)
      AND customer_id NOT IN (SELECT customer_id FROM foreign_customers($2))
    GROUP BY day
    UNION ALL
    SELECT invoice_date, -sum(amount)
    FROM invoices
    WHERE invoice_date <= (SELECT last_as_of FROM bounds) AND amount < 0 AND currency = $2
    GROUP BY invoice_date
    UNION ALL
    SELECT allocated_on, -sum(amount)
    FROM payment_allocations
    WHERE allocated_on <= (SELECT last_as_of FROM bounds)
    GROUP BY allocated_on
    UNION ALL
    SELECT a.allocated_on, sum(a.amount)
    FROM payment_allocations a
    JOIN invoices i ON i.invoice_id = a.invoice_id
    WHERE a.allocated_on <= (SELECT last_as_of FROM bounds) AND i.currency <> $2
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
