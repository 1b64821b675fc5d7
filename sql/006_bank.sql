-- Bank statements (camt.053/054, MT940) and the matching of their incoming
-- credits to invoices. See package bank (statements.go) and bank/match.

-- customer_accounts says which bank account (IBAN) belongs to which customer:
-- from a customer_accounts input file ('input'), learned from confident
-- matches ('learned'), or from a person matching a payment by hand
-- ('manual'). An IBAN listed for several customers (a payment provider, a
-- bookkeeping office) is not used to recognise a customer.
CREATE TABLE customer_accounts (
    iban          VARCHAR NOT NULL,
    customer_id   VARCHAR NOT NULL,
    name          VARCHAR,
    source        VARCHAR NOT NULL CHECK (source IN ('input', 'learned', 'manual')),
    added_at      TIMESTAMP NOT NULL,
    ingest_run_id BIGINT
);

CREATE SEQUENCE bank_entry_seq START 1;

-- bank_transactions keeps every transaction read from a statement, once:
-- statements overlap, and a transaction seen before (same account and bank
-- reference) is not booked twice. Status says what became of it:
--   matched   an incoming credit booked as payment payment_id;
--   unmatched an incoming credit (or a return nobody could place) waiting
--             for a person;
--   returned  a returned direct debit booked as a negative payment;
--   debit     money going out, not part of receivables.
CREATE TABLE bank_transactions (
    entry_no        BIGINT NOT NULL,
    account         VARCHAR NOT NULL,
    transaction_id  VARCHAR NOT NULL,
    booking_date    DATE NOT NULL,
    value_date      DATE,
    amount          DECIMAL(18,2) NOT NULL,
    currency        VARCHAR NOT NULL,
    reversal        BOOLEAN NOT NULL DEFAULT false,
    return_reason   VARCHAR,
    counter_name    VARCHAR,
    counter_iban    VARCHAR,
    end_to_end_id   VARCHAR,
    structured_ref  VARCHAR,
    remittance_text VARCHAR,
    batch_count     INTEGER NOT NULL DEFAULT 1,
    file_name       VARCHAR NOT NULL,
    format          VARCHAR NOT NULL,
    status          VARCHAR NOT NULL CHECK (status IN ('matched', 'unmatched', 'returned', 'debit')),
    payment_id      VARCHAR,
    customer_id     VARCHAR,
    invoice_ids     VARCHAR,  -- space-separated; empty when booked to the customer
    rule            VARCHAR,
    confidence      DOUBLE,
    matched_by      VARCHAR,
    ingest_run_id   BIGINT
);
