-- session_delete_expired: forgets the sessions that have ended (now).
DELETE FROM sessions WHERE expires_at <= ?
