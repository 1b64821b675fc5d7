-- bank_candidate_customers: the names of the candidate customers of the
-- unmatched queue (their ids joined by chr(31)).
SELECT customer_id, coalesce(name, customer_id) FROM customers WHERE list_contains(string_split(?, chr(31)), customer_id)
