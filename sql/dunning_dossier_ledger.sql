-- dunning_dossier_ledger is the ledger part of a customer's dossier up to an
-- as-of date: invoices and credit notes (kind 'invoice'), payments and
-- reversed payments (kind 'payment', a negative amount is a reversal), with
-- the invoices each payment was allocated to on or before the as-of date.
-- Parameters: customer_id, as_of (DATE).
WITH params AS (
    SELECT CAST(? AS VARCHAR) AS customer_id, CAST(? AS DATE) AS as_of
),
entries AS (
SELECT 'invoice' AS kind,
       i.invoice_id AS id,
       i.invoice_date AS day,
       i.due_date,
       i.amount,
       i.currency,
       coalesce(i.description, '') AS text,
       [i.invoice_id] AS invoice_ids
FROM invoices i, params p
WHERE i.customer_id = p.customer_id AND i.invoice_date <= p.as_of
UNION ALL
SELECT 'payment',
       y.payment_id,
       y.payment_date,
       NULL,
       y.amount,
       '',
       coalesce(y.reference, ''),
       coalesce((
           SELECT list(DISTINCT a.invoice_id ORDER BY a.invoice_id)
           FROM payment_allocations a
           WHERE a.customer_id = y.customer_id AND a.source_kind = 'payment'
             AND a.source_id = y.payment_id AND a.allocated_on <= p.as_of
       ), CASE WHEN y.invoice_id IS NULL OR y.invoice_id = '' THEN [] ELSE [y.invoice_id] END)
FROM payments y, params p
WHERE y.customer_id = p.customer_id AND y.payment_date <= p.as_of
)
SELECT kind, id, day, due_date, amount, currency, text, CAST(to_json(invoice_ids) AS VARCHAR)
FROM entries
ORDER BY day, kind, id;
