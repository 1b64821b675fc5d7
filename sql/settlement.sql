-- settlement: recompute invoice_settlement for the customers in the
-- temporary table alloc_customers, after their allocations were recomputed:
-- one row per invoice (amount > 0), with the day of its last allocation when
-- its allocations add up to its amount, else NULL (still open at the end).
INSERT INTO invoice_settlement
SELECT i.invoice_id, i.customer_id,
       CASE WHEN coalesce(a.allocated, 0) = i.amount THEN a.last_on END
FROM invoices i
LEFT JOIN (
    SELECT invoice_id, sum(amount) AS allocated, max(allocated_on) AS last_on
    FROM payment_allocations
    WHERE customer_id IN (SELECT customer_id FROM alloc_customers)
    GROUP BY invoice_id
) a ON a.invoice_id = i.invoice_id
WHERE i.amount > 0
  AND i.customer_id IN (SELECT customer_id FROM alloc_customers)
