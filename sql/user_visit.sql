-- user_visit: records a login as the user's last visit (at, name).
UPDATE users SET last_visit_at = ? WHERE name = ?
