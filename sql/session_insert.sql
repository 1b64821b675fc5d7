-- session_insert: a new dashboard session (hash of the id, csrf token, user
-- name or NULL, token id or NULL, previous visit, created at, expires at,
-- last seen).
INSERT INTO sessions (session_hash, csrf_token, user_name, token_id, previous_visit_at, created_at, expires_at, last_seen_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
