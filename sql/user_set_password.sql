-- user_set_password: a user's new password hash (hash, at, name).
UPDATE users SET password_hash = ?, password_changed_at = ? WHERE name = ?
