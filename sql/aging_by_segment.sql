-- aging_by_segment: the aging of each customer segment with open items on an
-- as-of date, one row per segment, largest open total first. Customers
-- without a segment form the segment '' (empty).
--   $1  as-of date (DATE)
--   $2  currency (SELECT report_currency())
--   $3  page size (LIMIT), $4 rows to skip (OFFSET)
SELECT coalesce(c.segment, '')                                               AS key,
       sum(o.open_amount)                                                    AS open_total,
       coalesce(sum(o.open_amount) FILTER (WHERE o.days_past_due > 0), 0)    AS overdue_total,
       coalesce(sum(o.open_amount) FILTER (WHERE o.bucket = 'current'), 0)   AS amount_current,
       count(*) FILTER (WHERE o.bucket = 'current')                          AS count_current,
       coalesce(sum(o.open_amount) FILTER (WHERE o.bucket = '1-30'), 0)      AS amount_1_30,
       count(*) FILTER (WHERE o.bucket = '1-30')                             AS count_1_30,
       coalesce(sum(o.open_amount) FILTER (WHERE o.bucket = '31-60'), 0)     AS amount_31_60,
       count(*) FILTER (WHERE o.bucket = '31-60')                            AS count_31_60,
       coalesce(sum(o.open_amount) FILTER (WHERE o.bucket = '61-90'), 0)     AS amount_61_90,
       count(*) FILTER (WHERE o.bucket = '61-90')                            AS count_61_90,
       coalesce(sum(o.open_amount) FILTER (WHERE o.bucket = '90+'), 0)       AS amount_90_plus,
       count(*) FILTER (WHERE o.bucket = '90+')                              AS count_90_plus
FROM open_invoices(CAST($1 AS DATE), $2) o
LEFT JOIN customers c ON c.customer_id = o.customer_id
GROUP BY key
ORDER BY open_total DESC, key
LIMIT $3 OFFSET $4;
