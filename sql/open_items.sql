-- open_items: one page of the open items on an as-of date, with the customer's
-- name and segment, the invoice's original amount and currency (before its
-- conversion into the reporting currency), and the number of open items in
-- all pages (total).
--   $1  as-of date (DATE)
--   $2  currency (SELECT report_currency())
--   $3  customer_id to show only that customer's items; '' for all customers
--   $4  sort: 'days_past_due' (most overdue first), 'open_amount' (largest
--       first), 'due_date' (earliest first) or 'customer' (by name)
--   $5  page size (LIMIT), $6 rows to skip (OFFSET)
-- A page past the end has no rows; open_items_count.sql then gives the total.
-- In the DuckDB shell, replace $1..$6 by for example
-- DATE '2025-03-31', report_currency(), '', 'days_past_due', 100, 0.
SELECT o.invoice_id,
       o.customer_id,
       coalesce(nullif(c.name, ''), o.customer_id) AS customer_name,
       coalesce(c.segment, '') AS segment,
       o.invoice_date,
       o.due_date,
       o.amount,
       o.open_amount,
       o.days_past_due,
       o.bucket,
       o.disputed,
       coalesce(i.original_amount, o.amount) AS original_amount,
       coalesce(i.original_currency, $2) AS original_currency,
       count(*) OVER () AS total
FROM open_invoices(CAST($1 AS DATE), $2) o
JOIN invoices i ON i.invoice_id = o.invoice_id
LEFT JOIN customers c ON c.customer_id = o.customer_id
WHERE $3 = '' OR o.customer_id = $3
ORDER BY
    CASE WHEN $4 = 'days_past_due' THEN o.days_past_due END DESC,
    CASE WHEN $4 = 'open_amount' THEN o.open_amount END DESC,
    CASE WHEN $4 = 'customer' THEN lower(coalesce(nullif(c.name, ''), o.customer_id)) END ASC,
    CASE WHEN $4 = 'customer' THEN o.customer_id END ASC,
    o.due_date ASC,
    o.invoice_id ASC
LIMIT $5 OFFSET $6;
