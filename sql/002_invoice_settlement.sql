-- invoice_settlement has one row per invoice (amount > 0) and says from which
-- day it is settled for good: the day of its last allocation, when its
-- allocations add up to its amount; NULL while it is still open. On any
-- as-of date from closed_from on the invoice is closed, so as-of queries add
-- up allocations only for the few invoices that are not (see open_invoices).
-- Derived by the ingest's allocation replay for the customers it touches.
CREATE TABLE invoice_settlement (
    invoice_id  VARCHAR NOT NULL,
    customer_id VARCHAR NOT NULL,
    closed_from DATE
);
