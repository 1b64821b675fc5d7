-- api_token_revoke: revokes a token (at, id).
UPDATE api_tokens SET revoked_at = ? WHERE token_id = ? AND revoked_at IS NULL
