-- user_set_lang: a user's preferred language, NULL for the browser's
-- (lang, name).
UPDATE users SET lang = ? WHERE name = ?
