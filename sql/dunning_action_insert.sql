-- dunning_action_insert: a new action of the action log (customer_id, the
-- invoice ids as a JSON array, type, action date, promise date, amount as
-- text or NULL, note, step, created by, created at); returns its id.
INSERT INTO dunning_actions (customer_id, invoice_ids, type, action_date, promise_date,
        amount, note, step, created_by, created_at)
VALUES (?, from_json(CAST(? AS JSON), '["VARCHAR"]'), ?, ?, ?, CAST(? AS DECIMAL(18,2)), ?, ?, ?, ?)
RETURNING action_id
