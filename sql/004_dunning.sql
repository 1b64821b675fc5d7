-- Dunning (collections): what collectors did and what the daily run planned.
-- See package dunning.

CREATE SEQUENCE dunning_action_seq START 1;

-- dunning_actions is the action log: one row per thing done about a
-- customer's overdue invoices (a reminder sent, a call, a promise to pay, a
-- dispute...). One action covers all the invoices in invoice_ids; step names
-- the ladder step it carries out (empty for actions outside the ladder).
CREATE TABLE dunning_actions (
    action_id    BIGINT NOT NULL DEFAULT nextval('dunning_action_seq'),
    customer_id  VARCHAR NOT NULL,
    invoice_ids  VARCHAR[] NOT NULL,
    type         VARCHAR NOT NULL CHECK (type IN ('reminder_sent', 'letter_sent', 'call', 'promise_to_pay',
                     'dispute', 'dispute_resolved', 'arrangement', 'handover', 'note')),
    action_date  DATE NOT NULL,
    promise_date DATE,
    amount       DECIMAL(18,2),
    note         VARCHAR,
    step         VARCHAR,
    created_by   VARCHAR NOT NULL,
    created_at   TIMESTAMP NOT NULL
);

-- dunning_plan has the steps the daily run (creditflow dunning run) planned:
-- at most one row per customer and plan date, and one per customer and step
-- within a dunning cycle (see dunning.Plan).
CREATE TABLE dunning_plan (
    plan_date      DATE NOT NULL,
    customer_id    VARCHAR NOT NULL,
    step           VARCHAR NOT NULL,
    channel        VARCHAR NOT NULL,
    template       VARCHAR NOT NULL,
    due_since      DATE NOT NULL,
    cycle_start    DATE NOT NULL,
    invoices       INTEGER NOT NULL,
    amount_overdue DECIMAL(18,2) NOT NULL,
    priority       DOUBLE NOT NULL,
    deferred       BOOLEAN NOT NULL,
    created_at     TIMESTAMP NOT NULL
);
