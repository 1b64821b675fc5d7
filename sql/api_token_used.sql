-- api_token_used: records that a token was used (at, id).
UPDATE api_tokens SET last_used_at = ? WHERE token_id = ?
