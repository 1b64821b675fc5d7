-- dunning_arrangement_confirmations: the payment arrangements with
-- instalments (betalingsregelingen) to confirm on an as-of date: each
-- customer's latest one, made in the last 30 days, with no confirmation
-- (step arrangement_confirmation) sent on or after its date. The
-- instalments come as "YYYY-MM-DD=amount,..." in order.
--   $1  as-of date (DATE)
WITH acts AS (
    SELECT *
    FROM dunning_actions
    WHERE action_date <= CAST($1 AS DATE)
),
latest AS (
    SELECT customer_id, action_id, action_date
    FROM acts
    WHERE type = 'arrangement'
      AND action_id IN (SELECT action_id FROM dunning_instalments)
    QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY action_date DESC, action_id DESC) = 1
),
confirmed AS (
    SELECT customer_id, max(action_date) AS confirmed_on
    FROM acts
    WHERE step = 'arrangement_confirmation'
    GROUP BY customer_id
)
SELECT l.customer_id,
       coalesce(nullif(c.name, ''), l.customer_id) AS name,
       coalesce(c.kind, 'b2b') AS kind,
       l.action_date,
       string_agg(strftime(i.due_date, '%Y-%m-%d') || '=' || CAST(i.amount AS VARCHAR), ',' ORDER BY i.instalment) AS instalments
FROM latest l
JOIN dunning_instalments i ON i.action_id = l.action_id
LEFT JOIN customers c ON c.customer_id = l.customer_id
LEFT JOIN confirmed f ON f.customer_id = l.customer_id
WHERE l.action_date >= CAST($1 AS DATE) - 30
  AND (f.confirmed_on IS NULL OR f.confirmed_on < l.action_date)
GROUP BY l.customer_id, c.name, c.kind, l.action_date
ORDER BY l.customer_id;
