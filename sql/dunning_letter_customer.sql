-- dunning_letter_customer: the email address and the attributes (JSON as
-- text) of a letter's customer (customer_id).
SELECT coalesce(email, ''), coalesce(CAST(attributes AS VARCHAR), '') FROM customers WHERE customer_id = ?
