-- aging_by_group: the aging of each customer ($5 = 'customer') or customer
-- segment ($5 = 'segment') with open items on an as-of date, one row per
-- group, largest open total first.
--   $1  as-of date (DATE)
--   $2  currency (SELECT report_currency())
--   $3  page size (LIMIT), $4 rows to skip (OFFSET)
--   $5  the grouping: 'customer' or 'segment'
-- key is the customer_id, or the segment; customers without a segment form
-- the segment '' (empty). name is the customer's name, or its customer_id
-- when it has none; '' for a segment.
WITH o AS (
    SELECT CASE WHEN $5 = 'customer' THEN o.customer_id ELSE coalesce(c.segment, '') END AS key,
           CASE WHEN $5 = 'customer' THEN coalesce(nullif(c.name, ''), o.customer_id) ELSE '' END AS name,
           o.open_amount, o.days_past_due, o.bucket
    FROM open_invoices(CAST($1 AS DATE), $2) o
    LEFT JOIN customers c ON c.customer_id = o.customer_id
)
SELECT key,
       any_value(name)                                                       AS name,
       sum(open_amount)                                                      AS open_total,
       coalesce(sum(open_amount) FILTER (WHERE days_past_due > 0), 0)        AS overdue_total,
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
FROM o
GROUP BY key
ORDER BY open_total DESC, key
LIMIT $3 OFFSET $4;
