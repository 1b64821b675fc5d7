-- forecast_receipts: the cash received per week (Monday to Sunday) before an
-- as-of date, from which the forecast calibrates the width of its band.
--   $1  as-of date (DATE)
--   $2  currency (SELECT report_currency())
--   $3  first day to read (DATE)
-- Columns: week_start (the Monday, DATE), cents (payments dated in that week,
-- on or after $3 and on or before $1, reversals included, in cents). As in
-- forecast_actuals a payment counts unless its customer is foreign to $2,
-- here judged on the invoices dated on or before $1 only, so that nothing
-- after the as-of date is read. Weeks without payments have no row.
SELECT CAST(date_trunc('week', p.payment_date) AS DATE) AS week_start,
       CAST(round(sum(p.amount) * 100) AS BIGINT)        AS cents
FROM payments p
WHERE p.payment_date <= CAST($1 AS DATE)
  AND p.payment_date >= CAST($3 AS DATE)
  AND p.customer_id NOT IN (
        SELECT DISTINCT o.customer_id
        FROM invoices o
        WHERE o.invoice_date <= CAST($1 AS DATE)
          AND o.currency <> $2
          AND NOT EXISTS (SELECT 1 FROM invoices i
                          WHERE i.customer_id = o.customer_id AND i.currency = $2
                            AND i.invoice_date <= CAST($1 AS DATE)))
GROUP BY 1
ORDER BY 1;
