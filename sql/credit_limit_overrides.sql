-- credit_limit_overrides: the credit limits set by hand of a customer
-- (customer_id), newest first; the limit is NULL where one was cleared.
SELECT override_id, customer_id, credit_limit, credit_limit IS NOT NULL, reason, set_by, set_at
FROM credit_limit_overrides
WHERE customer_id = ?
ORDER BY set_at DESC, override_id DESC
