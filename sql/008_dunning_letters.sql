-- The letters and e-mails the dunning run sent (package outbox): one row per
-- customer, step and letter date, so that a second run on the same day sends
-- nothing again. A row is written before the letter goes out and marked
-- sent after; marking it sent records, in the same transaction, the
-- dunning action that counts as the step taken (dunning_actions.action_id).
--   status  queued   not yet tried, or a temporary failure: the next run
--                    tries again;
--           sending  being sent; a row left so by a crashed run may or may
--                    not have gone out and is reported, never resent;
--           sent     accepted by the mail server, or put in the print batch;
--           failed   refused for good (last_error has the server's answer);
--                    not tried again unless asked (--retry-failed).
--   sent_by email or print.

CREATE SEQUENCE dunning_letter_seq START 1;

CREATE TABLE dunning_letters (
    letter_id    BIGINT NOT NULL DEFAULT nextval('dunning_letter_seq') PRIMARY KEY,
    customer_id  VARCHAR NOT NULL,
    step         VARCHAR NOT NULL,
    form         VARCHAR NOT NULL,
    sent_by      VARCHAR NOT NULL CHECK (sent_by IN ('email', 'print')),
    letter_date  DATE NOT NULL,
    reference    VARCHAR NOT NULL,
    to_address   VARCHAR NOT NULL,
    language     VARCHAR NOT NULL,
    subject      VARCHAR NOT NULL,
    principal    DECIMAL(18,2) NOT NULL,
    interest     DECIMAL(18,2) NOT NULL,
    costs        DECIMAL(18,2) NOT NULL,
    total        DECIMAL(18,2) NOT NULL,
    invoice_ids  VARCHAR[] NOT NULL,
    status       VARCHAR NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   VARCHAR,
    message_id   VARCHAR,
    action_id    BIGINT,
    created_at   TIMESTAMP NOT NULL,
    sent_at      TIMESTAMP,
    UNIQUE (customer_id, step, letter_date)
);

CREATE INDEX dunning_letters_reference ON dunning_letters (reference);
