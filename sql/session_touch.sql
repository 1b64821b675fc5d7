-- session_touch: moves a session's end on (last seen, expires at, hash).
UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE session_hash = ?
