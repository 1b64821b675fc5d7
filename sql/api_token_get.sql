-- api_token_get: the name, role and revocation time of a token, by its id.
SELECT name, role, revoked_at FROM api_tokens WHERE token_id = ?
