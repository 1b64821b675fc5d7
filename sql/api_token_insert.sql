-- api_token_insert: a new API token (id, name, role, SHA-256 hash of the
-- token, created at). The token itself is never stored.
INSERT INTO api_tokens (token_id, name, role, token_hash, created_at) VALUES (?, ?, ?, ?, ?)
