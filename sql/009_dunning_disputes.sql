-- Disputes per invoice: a dispute action names its invoices, a reason and an
-- owner (who handles it), and the disputed state it sets holds in every
-- analytic until a dispute_resolved action names the invoice. See package
-- dunning.

-- reason is why the customer disputes the invoices (required for a dispute);
-- owner is who handles the dispute (defaults to who recorded it). Both are
-- NULL for the other action types.
ALTER TABLE dunning_actions ADD COLUMN reason VARCHAR;
ALTER TABLE dunning_actions ADD COLUMN owner VARCHAR;

-- invoice_disputes(as_of) is the dispute state the action log gives on
-- as_of, one row per invoice that a dispute or dispute_resolved action dated
-- on or before as_of names: disputed is true when the latest of them is a
-- dispute (of two on one day, the one recorded last). An invoice without such
-- actions has no row: the ledger's flag (invoices.disputed) holds for it.
-- Analytics join it as coalesce(d.disputed, i.disputed).
CREATE MACRO invoice_disputes(as_of) AS TABLE
SELECT invoice_id, type = 'dispute' AS disputed
FROM (
    SELECT unnest(invoice_ids) AS invoice_id, type, action_date, action_id
    FROM dunning_actions
    WHERE type IN ('dispute', 'dispute_resolved') AND action_date <= as_of
)
QUALIFY row_number() OVER (PARTITION BY invoice_id ORDER BY action_date DESC, action_id DESC) = 1;

-- open_invoices(as_of, cur) as in 003_analytics_macros.sql, with the same
-- columns in the same order, but disputed is the dispute state on as_of: true
-- when the latest dispute or dispute_resolved action naming the invoice
-- dated on or before as_of is a dispute, false when it is a
-- dispute_resolved, and the ledger's flag when no such action names it
-- (invoice_disputes). The action log is small: its dispute state is
-- aggregated once and joined, so that the macro costs next to nothing more on
-- a large ledger.
CREATE OR REPLACE MACRO open_invoices(as_of, cur) AS TABLE
WITH candidates AS (
    -- Invoices settled for good on or before as_of are closed: skip them
    -- before adding up any allocations (see 002_invoice_settlement.sql).
    SELECT invoice_id
    FROM invoice_settlement
    WHERE closed_from IS NULL OR closed_from > as_of
)
SELECT i.invoice_id,
       i.customer_id,
       i.invoice_date,
       i.due_date,
       i.amount,
       i.amount - coalesce(a.allocated, 0) AS open_amount,
       CAST(date_diff('day', i.due_date, as_of) AS INTEGER) AS days_past_due,
       aging_bucket(date_diff('day', i.due_date, as_of)) AS bucket,
       coalesce(d.disputed, i.disputed) AS disputed
FROM candidates c
JOIN invoices i ON i.invoice_id = c.invoice_id
LEFT JOIN (
    SELECT invoice_id, sum(amount) AS allocated
    FROM payment_allocations
    WHERE allocated_on <= as_of
      AND invoice_id IN (SELECT invoice_id FROM candidates)
    GROUP BY invoice_id
) a ON a.invoice_id = i.invoice_id
LEFT JOIN invoice_disputes(as_of) d ON d.invoice_id = i.invoice_id
WHERE i.invoice_date <= as_of
  AND i.amount > 0
  AND i.currency = cur
  AND (a.allocated IS NULL OR a.allocated < i.amount);
