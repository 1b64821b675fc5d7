-- dunning_arrangement_instalments: the instalments of a customer's latest
-- payment arrangement made on or before the as-of date, in order.
-- Parameters: customer_id, as-of date (DATE).
SELECT i.due_date, i.amount
FROM dunning_instalments i
WHERE i.action_id = (
    SELECT action_id
    FROM dunning_actions
    WHERE customer_id = ? AND type = 'arrangement' AND action_date <= CAST(? AS DATE)
      AND action_id IN (SELECT action_id FROM dunning_instalments)
    ORDER BY action_date DESC, action_id DESC
    LIMIT 1
)
ORDER BY i.instalment;
