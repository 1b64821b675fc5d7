-- match_customers: every customer with its name, for matching bank credits.
SELECT customer_id, coalesce(name, '') FROM customers
