-- session_delete_user: ends every session of a user (name).
DELETE FROM sessions WHERE user_name = ?
