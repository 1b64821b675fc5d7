-- dunning_action_audit: the audit line of a recorded action (at, actor, the
-- action as JSON).
INSERT INTO audit_log (logged_at, actor, action, detail) VALUES (?, ?, 'dunning_action', CAST(? AS JSON))
