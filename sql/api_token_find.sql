-- api_token_find: the name, role and hash of a token that is not revoked,
-- by its id.
SELECT name, role, token_hash FROM api_tokens WHERE token_id = ? AND revoked_at IS NULL
