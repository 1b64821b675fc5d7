-- user_delete: removes a user (name); sessions go with session_delete_user.
DELETE FROM users WHERE name = ?
