-- credit_limit_override_insert: a credit limit set by hand (customer_id, the
-- limit as text or NULL to clear it, reason, set by, set at); returns its id.
INSERT INTO credit_limit_overrides (customer_id, credit_limit, reason, set_by, set_at)
VALUES (?, CAST(? AS DECIMAL(18,2)), ?, ?, ?)
RETURNING override_id
