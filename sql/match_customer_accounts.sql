-- match_customer_accounts: the known accounts of the customers, for
-- matching bank credits; an IBAN may belong to several customers.
SELECT DISTINCT iban, customer_id FROM customer_accounts ORDER BY iban, customer_id
