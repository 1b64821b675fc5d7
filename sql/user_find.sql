-- user_find: a user by name, regardless of case.
SELECT name, role, password_hash, lang, created_at, password_changed_at, last_visit_at
FROM users
WHERE lower(name) = lower(?)
