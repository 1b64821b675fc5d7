-- api_token_audit: the audit line of a created token (at, id, name, role).
INSERT INTO audit_log (logged_at, actor, action, detail)
VALUES (?, 'cli', 'token_create', json_object('token_id', ?, 'name', ?, 'role', ?))
