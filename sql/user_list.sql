-- user_list: every user by name. The password hash stays here.
SELECT name, role, '' AS password_hash, lang, created_at, password_changed_at, last_visit_at
FROM users
ORDER BY lower(name)
