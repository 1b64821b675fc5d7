-- dunning_instalments: the instalments of a customer's arrangements
-- (customer_id), by action and in order.
SELECT i.action_id, i.due_date, i.amount FROM dunning_instalments i
JOIN dunning_actions a ON a.action_id = i.action_id
WHERE a.customer_id = ? ORDER BY i.action_id, i.instalment
