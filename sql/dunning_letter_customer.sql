-- dunning_letter_customer: the email address, the attributes (JSON as text)
-- and the country of a letter's customer (customer_id).
SELECT coalesce(email, ''), coalesce(CAST(attributes AS VARCHAR), ''), coalesce(country, '')
FROM customers
WHERE customer_id = ?
