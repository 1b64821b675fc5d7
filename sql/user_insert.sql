-- user_insert: a new user (name, role, password hash, lang or NULL, created
-- at, password set at).
INSERT INTO users (name, role, password_hash, lang, created_at, password_changed_at)
VALUES (?, ?, ?, ?, ?, ?)
