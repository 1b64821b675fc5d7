-- search_accounts: the known bank accounts (IBAN) of the customers, for
-- the search index; an IBAN may belong to several customers.
SELECT DISTINCT iban, customer_id FROM customer_accounts ORDER BY iban, customer_id
