-- dunning_thank_you: the customers to thank (optionally) on an as-of date:
-- they paid after their last dunning step, at most $3 days ago, have nothing
-- overdue left, are not do-not-chase and were not thanked (step thank_you)
-- since that step, so at most one thank-you per dunning cycle.
--   $1  as-of date (DATE)
--   $2  currency (SELECT report_currency())
--   $3  window (days)
-- In the DuckDB shell, replace $1, $2, $3 by for example
-- DATE '2025-03-31', report_currency(), 14.
WITH acts AS (
    SELECT *
    FROM dunning_actions
    WHERE action_date <= CAST($1 AS DATE)
),
last_step AS (
    SELECT customer_id,
           max(action_date) AS last_date,
           arg_max(coalesce(nullif(step, ''), 'handover'), action_date) AS last_step
    FROM acts
    WHERE (coalesce(step, '') NOT IN ('', 'thank_you') OR type = 'handover')
    GROUP BY customer_id
),
thanked AS (
    SELECT customer_id, max(action_date) AS thanked_on
    FROM acts
    WHERE step = 'thank_you'
    GROUP BY customer_id
),
paid AS (
    SELECT pm.customer_id, max(pm.payment_date) AS paid_on
    FROM payments pm
    JOIN last_step l ON l.customer_id = pm.customer_id
    WHERE pm.payment_date > l.last_date
      AND pm.payment_date <= CAST($1 AS DATE)
    GROUP BY pm.customer_id
),
overdue AS (
    SELECT DISTINCT customer_id
    FROM open_invoices(CAST($1 AS DATE), $2)
    WHERE days_past_due > 0
)
SELECT l.customer_id,
       coalesce(nullif(c.name, ''), l.customer_id) AS name,
       coalesce(c.kind, 'b2b') AS kind,
       l.last_step,
       l.last_date,
       p.paid_on
FROM last_step l
JOIN paid p ON p.customer_id = l.customer_id
LEFT JOIN thanked t ON t.customer_id = l.customer_id
LEFT JOIN customers c ON c.customer_id = l.customer_id
WHERE (t.thanked_on IS NULL OR t.thanked_on < l.last_date)
  AND p.paid_on > CAST($1 AS DATE) - CAST($3 AS INTEGER)
  AND l.customer_id NOT IN (SELECT customer_id FROM overdue)
  AND NOT coalesce(lower(json_extract_string(c.attributes, '$.do_not_chase')) IN ('true', 'yes', '1', 'y'), false)
ORDER BY l.customer_id;
