-- session_delete_token: ends every session opened with a token (id).
DELETE FROM sessions WHERE token_id = ?
