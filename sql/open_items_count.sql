-- open_items_count: the number of open items on an as-of date.
--   $1  as-of date (DATE)
--   $2  currency (SELECT report_currency())
--   $3  customer_id to count only that customer's items; '' for all customers
SELECT count(*) AS total
FROM open_invoices(CAST($1 AS DATE), $2) o
WHERE $3 = '' OR o.customer_id = $3;
