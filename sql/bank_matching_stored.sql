-- bank_matching_stored: every stored bank transaction with what the
-- matching made of it, for the comparison with a generated ledger's truth.
SELECT account, transaction_id, status, coalesce(customer_id, ''), coalesce(invoice_ids, ''), coalesce(rule, ''),
       coalesce(confidence, 0)
FROM bank_transactions
