-- dunning_action_insert: a new action of the action log (customer_id, the
-- invoice ids as a JSON array, type, action date, promise date, amount as
-- text or NULL, note, step, a dispute's reason and owner ('' for none:
-- stored as NULL), a pause's last day (NULL for none), a call's outcome ('': NULL), created by, created at); returns its id.
INSERT INTO dunning_actions (customer_id, invoice_ids, type, action_date, promise_date,
        amount, note, step, reason, owner, pause_until, outcome, created_by, created_at)
VALUES (?, from_json(CAST(? AS JSON), '["VARCHAR"]'), ?, ?, ?, CAST(? AS DECIMAL(18,2)), ?, ?, nullif(?, ''), nullif(?, ''), ?, nullif(?, ''), ?, ?)
RETURNING action_id
