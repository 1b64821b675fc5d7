-- credit_limit_override_audit: the audit line of a credit limit set by hand
-- (at, actor, the override as JSON).
INSERT INTO audit_log (logged_at, actor, action, detail) VALUES (?, ?, 'credit_limit', CAST(? AS JSON))
