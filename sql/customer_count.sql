-- customer_count: 1 when a customer with the id (?) exists, else 0.
SELECT count(*) FROM customers WHERE customer_id = ?
