-- The ledger. Keys are not declared as PRIMARY KEY on purpose: the ingest
-- guarantees uniqueness itself, and DuckDB's ART indexes slow bulk loads and
-- forbid delete-then-insert of a key inside one transaction.

CREATE TABLE customers (
    customer_id        VARCHAR NOT NULL,
    name               VARCHAR,
    country            VARCHAR,
    segment            VARCHAR,
    kind               VARCHAR NOT NULL DEFAULT 'b2b' CHECK (kind IN ('b2b', 'b2c')),
    payment_terms_days INTEGER NOT NULL DEFAULT 30,
    credit_limit       DECIMAL(18,2),
    registration_id    VARCHAR,
    email              VARCHAR,
    phone              VARCHAR,
    attributes         JSON,
    -- bare is true for a customer created from an invoice, not from a customers file.
    bare               BOOLEAN NOT NULL DEFAULT false,
    ingest_run_id      BIGINT
);

CREATE TABLE invoices (
    invoice_id    VARCHAR NOT NULL,
    customer_id   VARCHAR NOT NULL,
    invoice_date  DATE NOT NULL,
    due_date      DATE NOT NULL,
    amount        DECIMAL(18,2) NOT NULL,
    currency      VARCHAR NOT NULL DEFAULT 'EUR',
    disputed      BOOLEAN NOT NULL DEFAULT false,
    description   VARCHAR,
    attributes    JSON,
    ingest_run_id BIGINT
);

CREATE TABLE payments (
    payment_id    VARCHAR NOT NULL,
    customer_id   VARCHAR NOT NULL,
    invoice_id    VARCHAR,
    payment_date  DATE NOT NULL,
    amount        DECIMAL(18,2) NOT NULL,
    method        VARCHAR,
    reference     VARCHAR,
    attributes    JSON,
    ingest_run_id BIGINT
);

-- payment_allocations says which payment or credit note settles which
-- invoice, by how much, from which day. It is derived: the ingest recomputes
-- it per customer from the whole history, so the result does not depend on
-- how the history was split into files. A negative amount re-opens an invoice
-- (a reversed direct debit). Payments and credit notes not (yet) allocated are
-- the customer's unapplied credit.
CREATE TABLE payment_allocations (
    customer_id  VARCHAR NOT NULL,
    invoice_id   VARCHAR NOT NULL,
    source_kind  VARCHAR NOT NULL CHECK (source_kind IN ('payment', 'credit_note')),
    source_id    VARCHAR NOT NULL,
    amount       DECIMAL(18,2) NOT NULL,
    allocated_on DATE NOT NULL,
    rule         VARCHAR NOT NULL
);

CREATE SEQUENCE ingest_run_seq START 1;

-- ingest_runs has one row per file of an ingest run.
CREATE TABLE ingest_runs (
    run_id        BIGINT NOT NULL,
    file_name     VARCHAR NOT NULL,
    sha256        VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,
    format        VARCHAR NOT NULL,
    rows_read     BIGINT NOT NULL DEFAULT 0,
    rows_inserted BIGINT NOT NULL DEFAULT 0,
    rows_updated  BIGINT NOT NULL DEFAULT 0,
    started_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP,
    outcome       VARCHAR NOT NULL CHECK (outcome IN ('ok', 'failed', 'skipped')),
    message       VARCHAR
);

CREATE SEQUENCE audit_seq START 1;

CREATE TABLE audit_log (
    audit_id BIGINT NOT NULL DEFAULT nextval('audit_seq'),
    logged_at TIMESTAMP NOT NULL,
    actor    VARCHAR NOT NULL,
    action   VARCHAR NOT NULL,
    detail   JSON
);

-- api_tokens keeps only a SHA-256 hash of each token.
CREATE TABLE api_tokens (
    token_id   VARCHAR NOT NULL,
    name       VARCHAR NOT NULL,
    role       VARCHAR NOT NULL CHECK (role IN ('viewer', 'collector', 'admin')),
    token_hash VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
