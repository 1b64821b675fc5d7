-- search_customers: every customer's id and name, for the search index.
SELECT customer_id, coalesce(name, '') FROM customers ORDER BY customer_id
