-- Named users log in to the dashboards with a password, and dashboard
-- sessions are kept here so that they outlive a restart of the service.

-- users are the people who log in by name. password_hash is argon2id in
-- the PHC string format ($argon2id$v=19$m=...,t=...,p=...$salt$hash), never
-- the password. Names are unique regardless of case (the application checks
-- it under the writer lock). lang is the preferred language of the pages,
-- NULL for the browser's. last_visit_at is the last login.
CREATE TABLE users (
    name                VARCHAR NOT NULL,
    role                VARCHAR NOT NULL CHECK (role IN ('viewer', 'collector', 'admin')),
    password_hash       VARCHAR NOT NULL,
    lang                VARCHAR CHECK (lang IN ('nl', 'en')),
    created_at          TIMESTAMP NOT NULL,
    password_changed_at TIMESTAMP NOT NULL,
    last_visit_at       TIMESTAMP
);

-- sessions are the dashboard logins. Only the SHA-256 of the session id (the
-- cookie) is kept. A session belongs to a user or to the API token it was
-- opened with. previous_visit_at is the user's last visit before this
-- login ("new since your last visit"). A session ends at expires_at, which
-- moves with last_seen_at (12 hours after the last request) but never past
-- 7 days after created_at.
CREATE TABLE sessions (
    session_hash      VARCHAR NOT NULL,
    csrf_token        VARCHAR NOT NULL,
    user_name         VARCHAR,
    token_id          VARCHAR,
    previous_visit_at TIMESTAMP,
    created_at        TIMESTAMP NOT NULL,
    expires_at        TIMESTAMP NOT NULL,
    last_seen_at      TIMESTAMP NOT NULL,
    CHECK ((user_name IS NULL) <> (token_id IS NULL))
);

-- last_used_at is when a token was last used, written at most once a
-- minute per token.
ALTER TABLE api_tokens ADD COLUMN last_used_at TIMESTAMP;
