-- dunning_customers: per customer with overdue invoices on an as-of date,
-- what the dunning ladder needs: the overdue invoices that may be chased
-- (not disputed), the oldest and the amount-weighted mean due date among
-- them (for interest), the ladder steps done in the current cycle (as
-- step@YYYY-MM-DD, comma-separated), the latest promised date and the
-- do-not-chase flag (customer attribute do_not_chase).
-- The ladder itself is applied in Go (package dunning).
--   $1  as-of date (DATE)
--   $2  currency (SELECT report_currency())
-- In the DuckDB shell, replace $1, $2 by for example
-- DATE '2025-03-31', report_currency().
--
-- An invoice is disputed when the latest dispute or dispute_resolved action
-- naming it (dated <= as-of) is a dispute, or, without such actions, when the
-- ledger flags it. The current cycle starts on the oldest chased due date:
-- ladder steps done before it belong to invoices settled since, so a payment
-- of the oldest invoice does not restart the ladder while older-cycle
-- invoices remain, and a customer who paid everything starts afresh.
WITH acts AS (
    SELECT *
    FROM dunning_actions
    WHERE action_date <= CAST($1 AS DATE)
),
dispute_state AS (
    SELECT invoice_id, type = 'dispute' AS disputed
    FROM (
        SELECT unnest(invoice_ids) AS invoice_id, type, action_date, action_id
        FROM acts
        WHERE type IN ('dispute', 'dispute_resolved')
    )
    QUALIFY row_number() OVER (PARTITION BY invoice_id ORDER BY action_date DESC, action_id DESC) = 1
),
overdue AS (
    SELECT o.customer_id,
           o.invoice_id,
           o.due_date,
           o.open_amount,
           coalesce(d.disputed, o.disputed) AS disputed
    FROM open_invoices(CAST($1 AS DATE), $2) o
    LEFT JOIN dispute_state d ON d.invoice_id = o.invoice_id
    WHERE o.days_past_due > 0
),
per_customer AS (
    SELECT customer_id,
           min(due_date) FILTER (WHERE NOT disputed) AS oldest_due,
           DATE '1970-01-01' + CAST(round(
               sum(open_amount * date_diff('day', DATE '1970-01-01', due_date)) FILTER (WHERE NOT disputed)
               / nullif(sum(open_amount) FILTER (WHERE NOT disputed), 0)) AS INTEGER) AS mean_due,
           count(*) FILTER (WHERE NOT disputed) AS invoices,
           coalesce(sum(open_amount) FILTER (WHERE NOT disputed), 0) AS amount_overdue,
           count(*) FILTER (WHERE disputed) AS disputed_invoices,
           coalesce(sum(open_amount) FILTER (WHERE disputed), 0) AS amount_disputed
    FROM overdue
    GROUP BY customer_id
),
steps AS (
    SELECT a.customer_id,
           string_agg(coalesce(nullif(a.step, ''), 'handover') || '@' || strftime(a.action_date, '%Y-%m-%d'), ','
                      ORDER BY a.action_date) AS steps_done
    FROM acts a
    JOIN per_customer p ON p.customer_id = a.customer_id
    WHERE (coalesce(a.step, '') <> '' OR a.type = 'handover')
      AND a.action_date >= p.oldest_due
    GROUP BY a.customer_id
),
promises AS (
    SELECT customer_id, max(promise_date) AS promise_date
    FROM acts
    WHERE type IN ('promise_to_pay', 'arrangement') AND promise_date IS NOT NULL
    GROUP BY customer_id
)
SELECT p.customer_id,
       coalesce(nullif(c.name, ''), p.customer_id) AS name,
       coalesce(c.kind, 'b2b') AS kind,
       coalesce(lower(json_extract_string(c.attributes, '$.do_not_chase')) IN ('true', 'yes', '1', 'y'), false) AS do_not_chase,
       p.oldest_due,
       p.mean_due,
       p.invoices,
       p.amount_overdue,
       p.disputed_invoices,
       p.amount_disputed,
       coalesce(s.steps_done, '') AS steps_done,
       pr.promise_date
FROM per_customer p
LEFT JOIN customers c ON c.customer_id = p.customer_id
LEFT JOIN steps s ON s.customer_id = p.customer_id
LEFT JOIN promises pr ON pr.customer_id = p.customer_id
ORDER BY p.customer_id;
