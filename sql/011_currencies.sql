-- Invoices and payments in other currencies than the reporting one are
-- converted when they are ingested (see ingest/currency.go) and keep what
-- came in: original_amount in original_currency, and fx_rate, the units of
-- original_currency per one unit of the reporting currency that the
-- conversion used (1 when there was nothing to convert). amount and
-- currency hold the converted figure, so every analytic adds up one
-- currency.

-- exchange_rates are the reference rates ingested from exchange-rate files
-- (the ECB layout): per_eur is the units of currency per 1 EUR on
-- rate_date. EUR itself is never stored: its rate is 1. Kept, so that later
-- runs convert without the file being sent again.
CREATE TABLE exchange_rates (
    currency      VARCHAR NOT NULL,
    rate_date     DATE NOT NULL,
    per_eur       DECIMAL(18,8) NOT NULL CHECK (per_eur > 0),
    ingest_run_id BIGINT
);

ALTER TABLE invoices ADD COLUMN original_amount DECIMAL(18,2);
ALTER TABLE invoices ADD COLUMN original_currency VARCHAR;
ALTER TABLE invoices ADD COLUMN fx_rate DECIMAL(18,8);
UPDATE invoices SET original_amount = amount, original_currency = currency, fx_rate = 1;

-- Payments carry no currency in the input: original_currency is the one
-- the payment was taken to be in (see ingest/currency.go).
ALTER TABLE payments ADD COLUMN original_amount DECIMAL(18,2);
ALTER TABLE payments ADD COLUMN original_currency VARCHAR;
ALTER TABLE payments ADD COLUMN fx_rate DECIMAL(18,8);
UPDATE payments SET original_amount = amount, original_currency = report_currency(), fx_rate = 1;
