-- dunning_customers: per customer with overdue invoices on an as-of date,
-- what the dunning ladder needs: the overdue invoices that may be chased
-- (not disputed), the oldest and the amount-weighted mean due date among
-- them (for interest), the ladder steps done in the current cycle (as
-- step@YYYY-MM-DD, comma-separated), the latest promised date, the latest
-- payment arrangement with instalments (as YYYY-MM-DD=amount, in order) and
-- what the customer paid since it was made, and the per-customer overrides
-- kept in customer attributes: do_not_chase (with do_not_chase_reason),
-- dunning_ladder and preferred_contact_day.
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
      AND action_id NOT IN (SELECT action_id FROM dunning_instalments)
    GROUP BY customer_id
),
-- An arrangement with instalments pauses the ladder while it is kept; the
-- latest one counts.
arrangement AS (
    SELECT a.customer_id, a.action_id, a.action_date
    FROM acts a
    JOIN per_customer p ON p.customer_id = a.customer_id
    WHERE a.type = 'arrangement'
      AND a.action_id IN (SELECT action_id FROM dunning_instalments)
    QUALIFY row_number() OVER (PARTITION BY a.customer_id ORDER BY a.action_date DESC, a.action_id DESC) = 1
),
arrangement_plan AS (
    SELECT r.customer_id,
           r.action_date AS arrangement_date,
           string_agg(strftime(i.due_date, '%Y-%m-%d') || '=' || CAST(i.amount AS VARCHAR), ',' ORDER BY i.instalment) AS instalments
    FROM arrangement r
    JOIN dunning_instalments i ON i.action_id = r.action_id
    GROUP BY r.customer_id, r.action_date
),
arrangement_paid AS (
    SELECT r.customer_id, sum(pm.amount) AS paid
    FROM arrangement r
    JOIN payments pm ON pm.customer_id = r.customer_id
    WHERE pm.payment_date >= r.action_date AND pm.payment_date <= CAST($1 AS DATE)
    GROUP BY r.customer_id
)
SELECT p.customer_id,
       coalesce(nullif(c.name, ''), p.customer_id) AS name,
       coalesce(c.kind, 'b2b') AS kind,
       coalesce(lower(json_extract_string(c.attributes, '$.do_not_chase')) IN ('true', 'yes', '1', 'y'), false) AS do_not_chase,
       coalesce(json_extract_string(c.attributes, '$.do_not_chase_reason'), '') AS do_not_chase_reason,
       coalesce(json_extract_string(c.attributes, '$.dunning_ladder'), '') AS dunning_ladder,
       coalesce(lower(trim(json_extract_string(c.attributes, '$.preferred_contact_day'))), '') AS preferred_contact_day,
       p.oldest_due,
       p.mean_due,
       p.invoices,
       p.amount_overdue,
       p.disputed_invoices,
       p.amount_disputed,
       coalesce(s.steps_done, '') AS steps_done,
       pr.promise_date,
       ap.arrangement_date,
       coalesce(ap.instalments, '') AS instalments,
       coalesce(apd.paid, 0) AS arrangement_paid,
       -- For steps timed from the invoice date (days_after_invoice).
       (SELECT min(i.invoice_date)
        FROM overdue o
        JOIN invoices i ON i.invoice_id = o.invoice_id
        WHERE o.customer_id = p.customer_id AND NOT o.disputed AND o.due_date = p.oldest_due) AS oldest_invoice_date
FROM per_customer p
LEFT JOIN customers c ON c.customer_id = p.customer_id
LEFT JOIN steps s ON s.customer_id = p.customer_id
LEFT JOIN promises pr ON pr.customer_id = p.customer_id
LEFT JOIN arrangement_plan ap ON ap.customer_id = p.customer_id
LEFT JOIN arrangement_paid apd ON apd.customer_id = p.customer_id
ORDER BY p.customer_id;
