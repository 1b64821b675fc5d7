-- bank_match_audit: the audit line of a match by hand (at, actor, detail).
INSERT INTO audit_log (logged_at, actor, action, detail) VALUES (?, ?, 'match', ?)
