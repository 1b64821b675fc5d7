-- dunning_instalment_insert: one instalment of an arrangement (action_id,
-- its number from 1, due date, amount as text).
INSERT INTO dunning_instalments (action_id, instalment, due_date, amount)
VALUES (?, ?, ?, CAST(? AS DECIMAL(18,2)))
