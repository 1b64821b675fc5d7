-- stats: the number of rows of each ledger table, and of the bank statement
-- credits (a batch entry counts its transactions) and the transactions
-- waiting to be matched by hand. No parameters.
SELECT (SELECT count(*) FROM customers)           AS customers,
       (SELECT count(*) FROM invoices)            AS invoices,
       (SELECT count(*) FROM payments)            AS payments,
       (SELECT count(*) FROM payment_allocations) AS allocations,
       (SELECT coalesce(sum(batch_count), 0) FROM bank_transactions WHERE amount > 0) AS statement_credits,
       (SELECT count(*) FROM bank_transactions WHERE status = 'unmatched') AS unmatched;
