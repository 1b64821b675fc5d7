-- The last visit of each user to a page that shows what is new since then
-- (the Today page: behaviour-change alerts since the last visit). user_name
-- is the principal's name: the user or the API token that logged in.
CREATE TABLE page_visits (
    user_name  VARCHAR NOT NULL,
    page       VARCHAR NOT NULL,
    visited_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_name, page)
);
