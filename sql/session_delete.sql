-- session_delete: ends one session (hash of its id).
DELETE FROM sessions WHERE session_hash = ?
