-- dunning_actions: a customer's actions (customer_id), newest first, with
-- the invoice ids as a JSON array, whether an amount was given, and a
-- dispute's or pause's reason and a dispute's owner ('' when none), and a
-- pause's last day (NULL for other types) and a call's outcome ('' when
-- none).
SELECT action_id, customer_id, CAST(to_json(invoice_ids) AS VARCHAR), type, action_date,
       promise_date, amount, amount IS NOT NULL, coalesce(note, ''), coalesce(step, ''),
       coalesce(reason, ''), coalesce(owner, ''), pause_until, coalesce(outcome, ''), created_by, created_at
FROM dunning_actions WHERE customer_id = ? ORDER BY action_date DESC, action_id DESC
