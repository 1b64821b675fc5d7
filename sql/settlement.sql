-- settlement: recompute invoice_settlement for the customers in the
-- temporary table alloc_customers, after their allocations were recomputed.
INSERT INTO invoice_settlement
SELECT i.invoice_id, i.customer_id, max(a.allocated_on)
FROM invoices i
JOIN payment_allocations a ON a.invoice_id = i.invoice_id
WHERE i.amount > 0
  AND i.customer_id IN (SELECT customer_id FROM alloc_customers)
GROUP BY i.invoice_id, i.customer_id, i.amount
HAVING sum(a.amount) = i.amount
