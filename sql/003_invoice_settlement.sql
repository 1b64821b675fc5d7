-- invoice_settlement says from which day an invoice is settled for good: the
-- day of its last allocation, for invoices whose allocations add up to their
-- amount. On any as-of date from then on the invoice is closed, so as-of
-- queries need to add up allocations only for the other invoices. Derived by
-- the ingest (sql/settlement.sql) for the customers it touches.
CREATE TABLE invoice_settlement (
    invoice_id  VARCHAR NOT NULL,
    customer_id VARCHAR NOT NULL,
    closed_from DATE NOT NULL
);
