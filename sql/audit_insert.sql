-- audit_insert: one line of the audit log (at, actor, action, detail as
-- JSON text).
INSERT INTO audit_log (logged_at, actor, action, detail) VALUES (?, ?, ?, CAST(? AS JSON))
