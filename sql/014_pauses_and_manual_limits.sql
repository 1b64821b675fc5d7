-- A pause of dunning and credit limits set by hand. See package dunning
-- (pauses) and package risk (limits).

-- A pause action ('pause') stops the dunning ladder for a customer from its
-- action date up to and including pause_until, with a reason; the latest
-- pause dated on or before a day counts on that day (a later one replaces,
-- shortens or lengthens it). The type's CHECK cannot be altered in place, so
-- the action log is made again with the new type and columns, its rows and
-- its sequence kept. outcome is what a call came to (reached, no_answer,
-- voicemail, wrong_number), NULL for other actions.
CREATE TABLE dunning_actions_v12 (
    action_id    BIGINT NOT NULL DEFAULT nextval('dunning_action_seq'),
    customer_id  VARCHAR NOT NULL,
    invoice_ids  VARCHAR[] NOT NULL,
    type         VARCHAR NOT NULL CHECK (type IN ('reminder_sent', 'letter_sent', 'call', 'promise_to_pay',
                     'dispute', 'dispute_resolved', 'arrangement', 'handover', 'note', 'pause')),
    action_date  DATE NOT NULL,
    promise_date DATE,
    amount       DECIMAL(18,2),
    note         VARCHAR,
    step         VARCHAR,
    created_by   VARCHAR NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    reason       VARCHAR,
    owner        VARCHAR,
    pause_until  DATE,
    outcome      VARCHAR CHECK (outcome IS NULL OR outcome IN ('reached', 'no_answer', 'voicemail', 'wrong_number'))
);
INSERT INTO dunning_actions_v12 (action_id, customer_id, invoice_ids, type, action_date, promise_date, amount, note, step,
        created_by, created_at, reason, owner)
SELECT action_id, customer_id, invoice_ids, type, action_date, promise_date, amount, note, step,
       created_by, created_at, reason, owner
FROM dunning_actions;
DROP TABLE dunning_actions;
ALTER TABLE dunning_actions_v12 RENAME TO dunning_actions;

-- dunning_pause(as_of) is each customer's pause on as_of: the latest pause
-- action dated on or before as_of whose pause_until is on or after it.
CREATE MACRO dunning_pause(as_of) AS TABLE
SELECT customer_id, action_date AS paused_from, pause_until, coalesce(reason, '') AS reason
FROM (
    SELECT *
    FROM dunning_actions
    WHERE type = 'pause' AND action_date <= as_of
    QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY action_date DESC, action_id DESC) = 1
)
WHERE pause_until >= as_of;

CREATE SEQUENCE credit_limit_override_seq START 1;

-- credit_limit_overrides is the history of credit limits set by hand on the
-- customer page or the API: credit_limit NULL clears the limit set by hand,
-- so that the recommended one applies. The latest row of a customer counts,
-- for every as-of date, and overrides the ledger's customers.credit_limit.
CREATE TABLE credit_limit_overrides (
    override_id  BIGINT NOT NULL DEFAULT nextval('credit_limit_override_seq'),
    customer_id  VARCHAR NOT NULL,
    credit_limit DECIMAL(18,2) CHECK (credit_limit IS NULL OR credit_limit >= 0),
    reason       VARCHAR NOT NULL,
    set_by       VARCHAR NOT NULL,
    set_at       TIMESTAMP NOT NULL
);

-- manual_credit_limit() is the credit limit set by hand of each customer:
-- the latest override if there is one (NULL when it clears the limit),
-- else the ledger's customers.credit_limit.
CREATE MACRO manual_credit_limit() AS TABLE
SELECT c.customer_id,
       CASE WHEN o.customer_id IS NULL THEN c.credit_limit ELSE o.credit_limit END AS credit_limit
FROM customers c
LEFT JOIN (
    SELECT customer_id, credit_limit
    FROM credit_limit_overrides
    QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY set_at DESC, override_id DESC) = 1
) o ON o.customer_id = c.customer_id;
