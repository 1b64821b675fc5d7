-- kpi_monthly_sales: credit sales per calendar month for the DSO countback
-- on an as-of date A: the month of A (only its days up to and including A)
-- and the 23 months before it, most recent first.
--   $1  as-of date A (DATE)
--   $2  currency (SELECT report_currency())
-- Columns: months_back (0 = the month of A), month (its first day), days (the
-- days counted: the day of the month of A for month 0, else the whole
-- month), sales (invoice amounts dated in it, credit notes included).
WITH months AS (
    SELECT m AS months_back,
           CAST(date_trunc('month', CAST($1 AS DATE)) - to_months(CAST(m AS INTEGER)) AS DATE) AS month
    FROM range(24) t(m)
),
sales AS (
    SELECT CAST(date_trunc('month', invoice_date) AS DATE) AS month, sum(amount) AS sales
    FROM invoices
    WHERE invoice_date <= CAST($1 AS DATE)
      AND invoice_date >= CAST(date_trunc('month', CAST($1 AS DATE)) - INTERVAL 23 MONTH AS DATE)
      AND currency = $2
    GROUP BY 1
)
SELECT m.months_back,
       m.month,
       CASE WHEN m.months_back = 0 THEN day(CAST($1 AS DATE))
            ELSE day(last_day(m.month)) END AS days,
       coalesce(s.sales, 0) AS sales
FROM months m
LEFT JOIN sales s ON s.month = m.month
ORDER BY m.months_back;
