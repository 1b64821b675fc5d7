-- user_set_role: a user's new role (role, name).
UPDATE users SET role = ? WHERE name = ?
