-- api_token_list: every API token, the newest first, revoked ones too.
SELECT token_id, name, role, created_at, last_used_at, revoked_at
FROM api_tokens
ORDER BY created_at DESC, token_id
