-- stats: the number of rows of each ledger table. No parameters.
SELECT (SELECT count(*) FROM customers)           AS customers,
       (SELECT count(*) FROM invoices)            AS invoices,
       (SELECT count(*) FROM payments)            AS payments,
       (SELECT count(*) FROM payment_allocations) AS allocations;
