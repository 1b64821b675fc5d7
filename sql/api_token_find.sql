-- api_token_find: the name, role, hash and last use of a token that is not
-- revoked, by its id.
SELECT name, role, token_hash, last_used_at FROM api_tokens WHERE token_id = ? AND revoked_at IS NULL
