-- Macros shared by the receivables analytics (open_items.sql, aging*.sql,
-- kpis.sql). They hold the definitions that every report must agree on, so
-- that an analyst in the DuckDB shell gets the same numbers as the service:
--
--   SELECT report_currency();
--   SELECT * FROM open_invoices(DATE '2025-03-31', report_currency());
--   SELECT unapplied_credit(DATE '2025-03-31', report_currency());
--
-- An as-of date A means: only invoices dated <= A, payments dated <= A and
-- allocations with allocated_on <= A count. The allocation is causal (see
-- ingest/allocate.go), so this is exactly the ledger as it stood on A.

-- report_currency() is the currency the analytics report in: the currency of
-- most invoices (ties: EUR first, then alphabetical), EUR for an empty
-- ledger. A ledger in one currency reports in that currency. In a ledger that
-- mixes currencies every figure is restricted to one currency (the callers
-- pass it as cur); amounts in different currencies are never added up.
CREATE MACRO report_currency() AS coalesce((
    SELECT currency
    FROM invoices
    GROUP BY currency
    ORDER BY count(*) DESC, currency <> 'EUR', currency
    LIMIT 1
), 'EUR');

-- aging_bucket(days_past_due) is the aging bucket label, as
-- creditflow.AgingBucketLabel: zero or negative days is not yet due.
CREATE MACRO aging_bucket(days_past_due) AS CASE
    WHEN days_past_due <= 0 THEN 'current'
    WHEN days_past_due <= 30 THEN '1-30'
    WHEN days_past_due <= 60 THEN '31-60'
    WHEN days_past_due <= 90 THEN '61-90'
    ELSE '90+'
END;

-- open_invoices(as_of, cur) are the open items on as_of: invoices in currency
-- cur with amount > 0, dated on or before as_of, whose amount less the
-- allocations made on or before as_of is still positive. Credit notes are
-- never open items; what they do not settle is unapplied credit.
-- days_past_due is as_of - due_date in days (zero or negative: not yet due).
CREATE MACRO open_invoices(as_of, cur) AS TABLE
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
       i.disputed
FROM candidates c
JOIN invoices i ON i.invoice_id = c.invoice_id
LEFT JOIN (
    SELECT invoice_id, sum(amount) AS allocated
    FROM payment_allocations
    WHERE allocated_on <= as_of
      AND invoice_id IN (SELECT invoice_id FROM candidates)
    GROUP BY invoice_id
) a ON a.invoice_id = i.invoice_id
WHERE i.invoice_date <= as_of
  AND i.amount > 0
  AND i.currency = cur
  AND (a.allocated IS NULL OR a.allocated < i.amount);

-- foreign_customers(cur) are the customers who have invoices, none of them in
-- currency cur. Payments carry no currency: a payment counts in cur unless
-- its customer is foreign. In a ledger in one currency there are none.
CREATE MACRO foreign_customers(cur) AS TABLE
SELECT DISTINCT o.customer_id
FROM invoices o
WHERE o.currency <> cur
  AND NOT EXISTS (SELECT 1 FROM invoices i
                  WHERE i.customer_id = o.customer_id AND i.currency = cur);

-- unapplied_credit(as_of, cur) is money received but not (yet) allocated to
-- an invoice on as_of: payments dated <= as_of, plus credit notes (in cur)
-- dated <= as_of, less the allocations (to invoices in cur) made on or before
-- as_of. Together with open_invoices it satisfies, to the cent:
--   sum(open_amount) - unapplied_credit = sum(invoice amounts, credit notes
--   included, dated <= as_of) - sum(payments dated <= as_of).
CREATE MACRO unapplied_credit(as_of, cur) AS (
    coalesce((SELECT sum(amount) FROM payments
              WHERE payment_date <= as_of
                AND customer_id NOT IN (SELECT customer_id FROM foreign_customers(cur))), 0)
  - coalesce((SELECT sum(amount) FROM invoices
              WHERE invoice_date <= as_of AND amount < 0 AND currency = cur), 0)
  - coalesce((SELECT sum(amount) FROM payment_allocations WHERE allocated_on <= as_of), 0)
  -- allocations to invoices in other currencies do not count (written as a
  -- join, which costs next to nothing when there are no such invoices)
  + coalesce((SELECT sum(a.amount) FROM payment_allocations a
              JOIN invoices i ON i.invoice_id = a.invoice_id
              WHERE a.allocated_on <= as_of AND i.currency <> cur), 0)
);

-- receivable(as_of, cur) is the open total on as_of without going through
-- the invoices one by one: invoices (amount > 0, in cur) dated <= as_of less
-- the allocations to them made on or before as_of. It equals
-- sum(open_amount) of open_invoices(as_of, cur) because the allocation never
-- settles more of an invoice than is open (ingest/allocate.go), so no
-- invoice has a negative open amount; the identity in unapplied_credit rests
-- on the same fact.
CREATE MACRO receivable(as_of, cur) AS (
    coalesce((SELECT sum(amount) FROM invoices
              WHERE invoice_date <= as_of AND amount > 0 AND currency = cur), 0)
  - coalesce((SELECT sum(amount) FROM payment_allocations WHERE allocated_on <= as_of), 0)
  + coalesce((SELECT sum(a.amount) FROM payment_allocations a
              JOIN invoices i ON i.invoice_id = a.invoice_id
              WHERE a.allocated_on <= as_of AND i.currency <> cur), 0)
);
