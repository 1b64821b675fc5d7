-- ingest_audit: the audit line of an ingest run (at, actor, detail).
INSERT INTO audit_log (logged_at, actor, action, detail) VALUES (?, ?, 'ingest', ?)
