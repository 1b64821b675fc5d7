-- dunning_customers: per customer with overdue invoices on an as-of date,
-- what the dunning ladder needs: the overdue invoices that may be chased
-- (not disputed), the oldest and the amount-weighted mean due date among
-- them (for interest), the ladder steps done in the current cycle (as
-- step@YYYY-MM-DD, comma-separated), the promise to pay that counts (its
-- promised date, the day it was made, its amount if any, what was paid
-- towards it, and the invoices it covers with their figures left out: the
-- oldest and mean due date of the chased invoices it does not cover), the
-- latest payment arrangement with instalments (as YYYY-MM-DD=amount, in
-- order) and what the customer paid since it was made, and the per-customer
-- overrides kept in customer attributes: do_not_chase (with
-- do_not_chase_reason), dunning_ladder and preferred_contact_day; and the
-- pause of dunning that holds on the as-of date, if any (its last day and
-- reason; dunning_pause, 014_pauses_and_manual_limits.sql).
-- The ladder itself is applied in Go (package dunning).
--   $1  as-of date (DATE)
--   $2  currency (SELECT report_currency())
--   $3  the promise's grace in days (Policy.PromiseGraceDays)
-- In the DuckDB shell, replace $1, $2, $3 by for example
-- DATE '2025-03-31', report_currency(), 3.
--
-- Which invoices are disputed on the as-of date is open_invoices' disputed
-- (the dispute actions, else the ledger's flag; 009_dunning_disputes.sql).
-- The current cycle starts on the oldest chased due date: ladder steps done
-- before it belong to invoices settled since, so a payment of the oldest
-- invoice does not restart the ladder while older-cycle invoices remain, and
-- a customer who paid everything starts afresh. A promise does not move the
-- cycle: the invoices it leaves uncovered go on where the ladder stands.
WITH acts AS (
    SELECT *
    FROM dunning_actions
    WHERE action_date <= CAST($1 AS DATE)
),
overdue AS (
    SELECT customer_id, invoice_id, due_date, open_amount, disputed
    FROM open_invoices(CAST($1 AS DATE), $2)
    WHERE days_past_due > 0
),
-- The promise that counts and what it covers: 010_promised_invoices.sql.
promise AS (
    SELECT * FROM counting_promise(CAST($1 AS DATE), $3)
),
chased AS (
    SELECT o.*, w.invoice_id IS NOT NULL AS promised
    FROM overdue o
    LEFT JOIN promise_cover(CAST($1 AS DATE), $2, $3) w ON w.invoice_id = o.invoice_id
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
           coalesce(sum(open_amount) FILTER (WHERE disputed), 0) AS amount_disputed,
           count(*) FILTER (WHERE promised) AS promised_invoices,
           coalesce(sum(open_amount) FILTER (WHERE promised), 0) AS amount_promised,
           min(due_date) FILTER (WHERE NOT disputed AND NOT promised) AS oldest_due_unpromised,
           DATE '1970-01-01' + CAST(round(
               sum(open_amount * date_diff('day', DATE '1970-01-01', due_date)) FILTER (WHERE NOT disputed AND NOT promised)
               / nullif(sum(open_amount) FILTER (WHERE NOT disputed AND NOT promised), 0)) AS INTEGER) AS mean_due_unpromised
    FROM chased
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
       pr.action_date AS promise_made,
       pr.amount AS promise_amount,
       pr.amount IS NOT NULL AS promise_has_amount,
       coalesce(pr.paid, 0) AS promise_paid,
       p.promised_invoices,
       p.amount_promised,
       p.oldest_due_unpromised,
       p.mean_due_unpromised,
       ap.arrangement_date,
       coalesce(ap.instalments, '') AS instalments,
       coalesce(apd.paid, 0) AS arrangement_paid,
       pz.pause_until,
       coalesce(pz.reason, '') AS pause_reason,
       -- For steps timed from the invoice date (days_after_invoice).
       (SELECT min(i.invoice_date)
        FROM overdue o
        JOIN invoices i ON i.invoice_id = o.invoice_id
        WHERE o.customer_id = p.customer_id AND NOT o.disputed AND o.due_date = p.oldest_due) AS oldest_invoice_date
FROM per_customer p
LEFT JOIN customers c ON c.customer_id = p.customer_id
LEFT JOIN steps s ON s.customer_id = p.customer_id
LEFT JOIN promise pr ON pr.customer_id = p.customer_id
LEFT JOIN arrangement_plan ap ON ap.customer_id = p.customer_id
LEFT JOIN arrangement_paid apd ON apd.customer_id = p.customer_id
LEFT JOIN dunning_pause(CAST($1 AS DATE)) pz ON pz.customer_id = p.customer_id
ORDER BY p.customer_id;
