-- dunning_outcomes: per ladder step, how many of its actions have a known
-- outcome on an as-of date and how many of them were paid: all the invoices
-- the action covered settled within the window after the action date. Used
-- to learn the steps' effects (dunning.LearnEffects).
--   $1  as-of date (DATE); only actions whose window ended by then count
--   $2  window in days (INTEGER), Policy.EffectWindowDays
-- In the DuckDB shell, replace $1, $2 by for example DATE '2025-03-31', 14.
WITH acts AS (
    SELECT action_id, step, action_date, invoice_ids
    FROM dunning_actions
    WHERE coalesce(step, '') <> ''
      AND len(invoice_ids) > 0
      AND action_date + CAST($2 AS INTEGER) <= CAST($1 AS DATE)
),
outcomes AS (
    SELECT a.action_id,
           any_value(a.step) AS step,
           bool_and(s.closed_from IS NOT NULL AND s.closed_from <= a.action_date + CAST($2 AS INTEGER)) AS paid
    FROM (SELECT action_id, step, action_date, unnest(invoice_ids) AS invoice_id FROM acts) a
    LEFT JOIN invoice_settlement s ON s.invoice_id = a.invoice_id
    GROUP BY a.action_id
)
SELECT step, count(*) AS n, count(*) FILTER (WHERE paid) AS paid
FROM outcomes
GROUP BY step
ORDER BY step;
