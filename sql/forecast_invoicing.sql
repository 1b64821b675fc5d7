-- forecast_invoicing: the amount invoiced per week (Monday to Sunday) up to
-- an as-of date, the series the forecast of new invoicing is fitted on.
--   $1  as-of date (DATE)
--   $2  currency (SELECT report_currency())
-- Columns: week_start (the Monday, DATE), cents (invoices with amount > 0
-- dated in that week and on or before $1, in cents). Weeks without invoices
-- have no row.
SELECT CAST(date_trunc('week', invoice_date) AS DATE)   AS week_start,
       CAST(round(sum(amount) * 100) AS BIGINT)          AS cents
FROM invoices
WHERE invoice_date <= CAST($1 AS DATE)
  AND amount > 0
  AND currency = $2
GROUP BY 1
ORDER BY 1;
