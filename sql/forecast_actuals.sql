-- forecast_actuals: the cash that actually came in after a forecast date,
-- per day, to judge the forecast in the backtest.
--   $1  the forecast's as-of date (DATE)
--   $2  currency (SELECT report_currency())
--   $3  last day to read (DATE)
-- Columns: day (DATE), total_cents (payments dated that day, reversals
-- included, of customers who are not foreign to $2), open_cents (payments
-- allocated that day to invoices that were open on $1; credit notes and
-- credit already on account do not count as cash).
WITH days AS (
    SELECT payment_date AS day, CAST(round(sum(amount) * 100) AS BIGINT) AS total_cents
    FROM payments
    WHERE payment_date > CAST($1 AS DATE) AND payment_date <= CAST($3 AS DATE)
      AND customer_id NOT IN (SELECT customer_id FROM foreign_customers($2))
    GROUP BY 1
),
opened AS (
    SELECT a.allocated_on AS day, CAST(round(sum(a.amount) * 100) AS BIGINT) AS open_cents
    FROM payment_allocations a
    WHERE a.allocated_on > CAST($1 AS DATE) AND a.allocated_on <= CAST($3 AS DATE)
      AND a.source_kind = 'payment' AND a.rule <> 'credit'
      AND a.invoice_id IN (SELECT invoice_id FROM open_invoices(CAST($1 AS DATE), $2))
    GROUP BY 1
)
SELECT coalesce(d.day, o.day) AS day,
       coalesce(d.total_cents, 0) AS total_cents,
       coalesce(o.open_cents, 0) AS open_cents
FROM days d
FULL OUTER JOIN opened o ON o.day = d.day
ORDER BY 1;
