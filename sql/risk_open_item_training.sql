-- risk_open_item_training: the invoices that were open and not yet due at
-- each as-of date S, with whether they were then paid late, as known on the
-- cut T. They train the p_late of a single open item (risk/engine.go).
--   $1  the as-of dates S, comma-separated: '2025-01-31,2025-02-28'
--   $2  currency (SELECT report_currency())
--   $3  customer_ids, comma-separated; '' for every customer
--   $4  the cut T (DATE, on or after every S); nothing dated after T is read
-- An invoice is open at S when its allocations made on or before S are less
-- than its amount, and not yet due when S < due_date. It was paid late when
-- on T it was paid after its due date (its allocations last reached the
-- amount after due_date), or is still open and T is past its due date; paid
-- on or before the due date is on time; still open with T on or before the
-- due date is unknown, and left out.
-- Columns: customer_id, as_of, amount (currency units, DOUBLE), disputed
-- (at S: by the dispute actions dated <= S, else the ledger's flag, as the
-- open items being scored), days_left (due_date - S, days), late (BOOLEAN).
WITH dates AS (
    SELECT DISTINCT CAST(trim(d) AS DATE) AS as_of
    FROM unnest(string_split($1, ',')) t(d)
    WHERE trim(d) <> ''
),
picked AS (
    SELECT DISTINCT trim(c) AS customer_id
    FROM unnest(string_split($3, ',')) t(c)
    WHERE trim(c) <> ''
),
alloc_day AS MATERIALIZED (
    SELECT a.invoice_id, a.allocated_on AS day, sum(a.amount) AS amount
    FROM payment_allocations a
    WHERE a.allocated_on <= CAST($4 AS DATE)
      AND ($3 = '' OR a.customer_id IN (SELECT customer_id FROM picked))
    GROUP BY a.invoice_id, a.allocated_on
),
-- the dispute state of the invoices the action log names at each as-of
-- date (invoice_disputes in 009_dunning_disputes.sql, per date); the
-- ledger's flag holds for the others
dispute_at AS (
    SELECT invoice_id, as_of, disputed
    FROM (
        SELECT x.invoice_id, d.as_of, x.type = 'dispute' AS disputed, x.action_date, x.action_id
        FROM (SELECT unnest(invoice_ids) AS invoice_id, type, action_date, action_id
              FROM dunning_actions
              WHERE type IN ('dispute', 'dispute_resolved')) x
        JOIN dates d ON x.action_date <= d.as_of
    )
    QUALIFY row_number() OVER (PARTITION BY invoice_id, as_of ORDER BY action_date DESC, action_id DESC) = 1
),
-- the invoices with the as-of dates at which they were not yet due
pairs AS (
    SELECT i.invoice_id, i.customer_id, d.as_of, i.due_date, i.amount,
           coalesce(ds.disputed, i.disputed) AS disputed
    FROM invoices i
    JOIN dates d ON i.invoice_date <= d.as_of AND d.as_of < i.due_date
    LEFT JOIN dispute_at ds ON ds.invoice_id = i.invoice_id AND ds.as_of = d.as_of
    WHERE i.currency = $2
      AND i.amount > 0
      AND ($3 = '' OR i.customer_id IN (SELECT customer_id FROM picked))
),
at_s AS (
    SELECT p.invoice_id, p.as_of, coalesce(sum(a.amount), 0) AS allocated
    FROM pairs p
    LEFT JOIN alloc_day a ON a.invoice_id = p.invoice_id AND a.day <= p.as_of
    GROUP BY p.invoice_id, p.as_of
),
at_t AS (
    SELECT a.invoice_id, sum(a.amount) AS allocated, max(a.day) FILTER (WHERE a.amount > 0) AS last_up
    FROM alloc_day a
    WHERE a.invoice_id IN (SELECT invoice_id FROM pairs)
    GROUP BY a.invoice_id
),
rows AS (
    SELECT p.customer_id, p.as_of, CAST(p.amount AS DOUBLE) AS amount, p.disputed,
           p.due_date - p.as_of AS days_left,
           CASE WHEN t.allocated >= p.amount THEN t.last_up > p.due_date
                WHEN CAST($4 AS DATE) > p.due_date THEN true
           END AS late
    FROM pairs p
    JOIN at_s s ON s.invoice_id = p.invoice_id AND s.as_of = p.as_of
    LEFT JOIN at_t t ON t.invoice_id = p.invoice_id
    WHERE s.allocated < p.amount
)
SELECT customer_id, as_of, amount, disputed, days_left, late
FROM rows
WHERE late IS NOT NULL
ORDER BY customer_id, as_of, days_left, amount;
