-- claim_invoices: the invoices of the claims on an as-of date (see
-- dunning.Claims), one row per invoice with its customer's ladder state
-- repeated on each row:
--   * every invoice open and overdue on the as-of date (disputed ones too,
--     so that the claim shows them apart), and
--   * the overdue invoices the ledger closed on or after the first dunning
--     step of the current cycle (for a customer with nothing open and
--     overdue, the cycle of its last step): once costs or interest are
--     claimed, a payment goes to them first (art. 6:44 BW), so an invoice
--     the ledger calls paid can still owe part of its principal.
-- moves are the invoice's allocations made on or before the as-of date as
-- "YYYY-MM-DD=payment|credit_note=amount,..." in date order. steps_done are
-- the ladder steps done in the current cycle as "step@YYYY-MM-DD,...", as in
-- dunning_customers.sql.
--   $1  as-of date (DATE)
--   $2  currency (SELECT report_currency())
--   $3  customer_id, or '' for every customer
--   $4  the promise's grace in days (Policy.PromiseGraceDays)
-- promised is true for an invoice a running promise to pay covers
-- (promise_cover, until the promised date plus the grace): it is shown
-- apart, not claimed now.
WITH acts AS (
    SELECT *
    FROM dunning_actions
    WHERE action_date <= CAST($1 AS DATE)
      AND ($3 = '' OR customer_id = $3)
),
dispute_state AS (
    SELECT * FROM invoice_disputes(CAST($1 AS DATE))
),
-- The open overdue invoices, as in the macro open_invoices but filtered by
-- customer before any allocation is added up, so that one customer's claim
-- reads only that customer's invoices.
candidates AS (
    SELECT i.customer_id, i.invoice_id, i.invoice_date, i.due_date, i.amount, i.disputed
    FROM invoices i
    JOIN invoice_settlement s ON s.invoice_id = i.invoice_id
    WHERE ($3 = '' OR i.customer_id = $3)
      AND (s.closed_from IS NULL OR s.closed_from > CAST($1 AS DATE))
      AND i.invoice_date <= CAST($1 AS DATE)
      AND i.due_date < CAST($1 AS DATE)
      AND i.amount > 0
      AND i.currency = $2
),
open_overdue AS (
    SELECT c.customer_id, c.invoice_id, c.invoice_date, c.due_date, c.amount,
           CAST(NULL AS DATE) AS closed_from,
           coalesce(d.disputed, c.disputed) AS disputed
    FROM candidates c
    LEFT JOIN (
        SELECT invoice_id, sum(amount) AS allocated
        FROM payment_allocations
        WHERE allocated_on <= CAST($1 AS DATE)
          AND ($3 = '' OR customer_id = $3)
          AND invoice_id IN (SELECT invoice_id FROM candidates)
        GROUP BY invoice_id
    ) a ON a.invoice_id = c.invoice_id
    LEFT JOIN dispute_state d ON d.invoice_id = c.invoice_id
    WHERE a.allocated IS NULL OR a.allocated < c.amount
),
-- A customer whose overdue invoices the ledger all closed can still owe
-- what payments paid first under art. 6:44 BW: the cycle of its last step
-- is the one of the invoices that step chased (due before it, closed on or
-- after it).
last_step AS (
    SELECT customer_id, max(action_date) AS last_date
    FROM acts
    WHERE (coalesce(step, '') <> '' OR type = 'handover')
      AND customer_id NOT IN (SELECT customer_id FROM open_overdue)
    GROUP BY customer_id
),
chased_closed AS (
    SELECT i.customer_id, min(i.due_date) AS oldest_due
    FROM last_step l
    JOIN invoice_settlement s ON s.customer_id = l.customer_id
    JOIN invoices i ON i.invoice_id = s.invoice_id
    WHERE s.closed_from >= l.last_date
      AND s.closed_from <= CAST($1 AS DATE)
      AND i.due_date < l.last_date
      AND i.amount > 0
      AND i.currency = $2
    GROUP BY i.customer_id
),
cycle AS (
    SELECT customer_id, min(due_date) FILTER (WHERE NOT disputed) AS oldest_due
    FROM open_overdue
    GROUP BY customer_id
    UNION ALL
    SELECT customer_id, oldest_due FROM chased_closed
),
steps AS (
    SELECT a.customer_id,
           min(a.action_date) AS first_step,
           string_agg(coalesce(nullif(a.step, ''), 'handover') || '@' || strftime(a.action_date, '%Y-%m-%d'), ','
                      ORDER BY a.action_date) AS steps_done
    FROM acts a
    JOIN cycle c ON c.customer_id = a.customer_id
    WHERE (coalesce(a.step, '') <> '' OR a.type = 'handover')
      AND a.action_date >= c.oldest_due
    GROUP BY a.customer_id
),
closed_since_claim AS (
    SELECT i.customer_id, i.invoice_id, i.invoice_date, i.due_date, i.amount, s.closed_from,
           coalesce(d.disputed, i.disputed) AS disputed
    FROM steps st
    JOIN invoice_settlement s ON s.customer_id = st.customer_id
    JOIN invoices i ON i.invoice_id = s.invoice_id
    LEFT JOIN dispute_state d ON d.invoice_id = i.invoice_id
    WHERE s.closed_from >= st.first_step
      AND s.closed_from <= CAST($1 AS DATE)
      AND i.due_date < CAST($1 AS DATE)
      AND i.amount > 0
      AND i.currency = $2
),
claim_invoices AS (
    SELECT * FROM open_overdue
    UNION ALL
    SELECT * FROM closed_since_claim
),
promised AS (
    SELECT w.invoice_id
    FROM promise_cover(CAST($1 AS DATE), $2, $4) w
    JOIN counting_promise(CAST($1 AS DATE), $4) pr ON pr.customer_id = w.customer_id
    WHERE ($3 = '' OR w.customer_id = $3)
      AND CAST($1 AS DATE) <= pr.promise_date + CAST($4 AS INTEGER)
),
moves AS (
    SELECT a.invoice_id,
           string_agg(strftime(a.allocated_on, '%Y-%m-%d') || '=' || a.source_kind || '=' || CAST(a.amount AS VARCHAR), ','
                      ORDER BY a.allocated_on, a.source_kind, a.amount) AS moves
    FROM payment_allocations a
    WHERE a.allocated_on <= CAST($1 AS DATE)
      AND a.invoice_id IN (SELECT invoice_id FROM claim_invoices)
    GROUP BY a.invoice_id
)
SELECT ci.customer_id,
       coalesce(nullif(c.name, ''), ci.customer_id) AS name,
       coalesce(c.kind, 'b2b') AS kind,
       coalesce(json_extract_string(c.attributes, '$.dunning_ladder'), '') AS dunning_ladder,
       coalesce(st.steps_done, '') AS steps_done,
       ci.invoice_id,
       ci.invoice_date,
       ci.due_date,
       ci.amount,
       ci.closed_from,
       ci.disputed,
       coalesce(m.moves, '') AS moves,
       ci.invoice_id IN (SELECT invoice_id FROM promised) AS promised
FROM claim_invoices ci
LEFT JOIN customers c ON c.customer_id = ci.customer_id
LEFT JOIN steps st ON st.customer_id = ci.customer_id
LEFT JOIN moves m ON m.invoice_id = ci.invoice_id
ORDER BY ci.customer_id, ci.due_date, ci.invoice_id;
