-- forecast_customers: the name of every customer, for the top customers of
-- the cash forecast. No parameters. Columns: customer_id, name (the id when
-- the name is unknown).
SELECT customer_id, coalesce(nullif(any_value(name), ''), customer_id) AS name
FROM customers
GROUP BY customer_id;
