-- aging: the open receivables on an as-of date split into the aging buckets
-- by days past due, as one row: totals, unapplied credit, and amount and
-- count per bucket (current = not yet due, 1-30, 31-60, 61-90, 90+ days).
--   $1  as-of date (DATE)
--   $2  currency (SELECT report_currency())
-- overdue_total is the open amount with days_past_due > 0.
WITH o AS (
    SELECT open_amount, days_past_due, bucket
    FROM open_invoices(CAST($1 AS DATE), $2)
)
SELECT coalesce(sum(open_amount), 0)                                         AS open_total,
       coalesce(sum(open_amount) FILTER (WHERE days_past_due > 0), 0)        AS overdue_total,
       unapplied_credit(CAST($1 AS DATE), $2)                                AS unapplied_credit,
       coalesce(sum(open_amount) FILTER (WHERE bucket = 'current'), 0)       AS amount_current,
       count(*) FILTER (WHERE bucket = 'current')                            AS count_current,
       coalesce(sum(open_amount) FILTER (WHERE bucket = '1-30'), 0)          AS amount_1_30,
       count(*) FILTER (WHERE bucket = '1-30')                               AS count_1_30,
       coalesce(sum(open_amount) FILTER (WHERE bucket = '31-60'), 0)         AS amount_31_60,
       count(*) FILTER (WHERE bucket = '31-60')                              AS count_31_60,
       coalesce(sum(open_amount) FILTER (WHERE bucket = '61-90'), 0)         AS amount_61_90,
       count(*) FILTER (WHERE bucket = '61-90')                              AS count_61_90,
       coalesce(sum(open_amount) FILTER (WHERE bucket = '90+'), 0)           AS amount_90_plus,
       count(*) FILTER (WHERE bucket = '90+')                                AS count_90_plus
FROM o;
