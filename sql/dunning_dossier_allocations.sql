-- dunning_dossier_allocations are the allocations to a customer's invoices
-- (payments, credit notes and reversals) made on or before the as-of date,
-- summed per invoice and day: what the promise-to-pay check of the dossier
-- reads. Parameters: customer_id, as_of (DATE).
SELECT invoice_id, allocated_on, sum(amount) AS amount
FROM payment_allocations
WHERE customer_id = ? AND allocated_on <= CAST(? AS DATE)
GROUP BY invoice_id, allocated_on
ORDER BY allocated_on, invoice_id;
