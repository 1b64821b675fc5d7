-- session_find: a session that has not expired (hash of the id, now), with
-- the current name, role and language of its user or token; none when the
-- user is removed or the token revoked.
SELECT s.csrf_token, s.user_name, s.token_id, s.previous_visit_at, s.created_at, s.expires_at, s.last_seen_at,
       coalesce(u.name, t.name) AS name, coalesce(u.role, t.role) AS role, coalesce(u.lang, '') AS lang
FROM sessions s
LEFT JOIN users u ON u.name = s.user_name
LEFT JOIN api_tokens t ON t.token_id = s.token_id AND t.revoked_at IS NULL
WHERE s.session_hash = ? AND s.expires_at > ?
  AND (u.name IS NOT NULL OR t.token_id IS NOT NULL)
