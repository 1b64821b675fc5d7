-- bank_learn_account: remembers a payer's IBAN for the customer a person
-- matched its payment to, unless known already (iban, customer_id, account
-- holder name or NULL, added at, ingest run, then iban and customer_id again).
INSERT INTO customer_accounts (iban, customer_id, name, source, added_at, ingest_run_id)
SELECT ?, ?, ?, 'manual', ?, ? WHERE NOT EXISTS (SELECT 1 FROM customer_accounts WHERE iban = ? AND customer_id = ?)
