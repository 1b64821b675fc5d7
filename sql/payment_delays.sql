-- payment_delays: the payment delay of every invoice as known on an as-of
-- date, one row per invoice, ordered by customer and due date. It is the
-- series the behaviour-change test runs on (risk/change.go).
--   $1  as-of date (DATE)
--   $2  currency (SELECT report_currency())
--   $3  customer_id, or '' for every customer
--
-- Only what was known on $1 counts: invoices dated <= $1, allocations made
-- on or before $1, payments dated <= $1. Credit notes (amount <= 0) are
-- left out, and so are disputed invoices (their delay is the dispute's, not
-- the payer's: flagged in the ledger, or named by a dispute action dated
-- <= $1, even one resolved since) and invoices settled without a payment
-- made for them: by credit notes alone, or from credit the customer already
-- had on account (allocation rule 'credit': settled on the invoice date,
-- whenever the money came in).
--
--   settled_on       the day the invoice was settled: the day of its last
--                    allocation on or before $1, when the allocations cover
--                    the amount, else NULL (open). Allocations never exceed
--                    what is open, so that is the day the amount was last
--                    reached: when a returned direct debit or an undone
--                    allocation re-opened the invoice, the day it was settled
--                    again, not the first time.
--   open             true when the invoice is still open on $1.
--   days_late        settled_on - due_date; for an open invoice $1 - due_date,
--                    a lower bound once it is past due (censored), negative
--                    while it is not yet due.
--   amount_cents     the invoice amount in cents.
--   last_payment_on  the customer's last payment (amount > 0) dated on or
--                    before $1, NULL when there is none; the same on every row
--                    of the customer.
WITH alloc AS (
    SELECT invoice_id,
           sum(amount)                                          AS allocated,
           coalesce(sum(amount) FILTER (WHERE source_kind = 'payment' AND rule <> 'credit'), 0) AS paid,
           max(allocated_on)                                    AS last_on
    FROM payment_allocations
    WHERE allocated_on <= CAST($1 AS DATE)
    GROUP BY invoice_id
),
last_payment AS (
    SELECT customer_id, max(payment_date) AS last_payment_on
    FROM payments
    WHERE payment_date <= CAST($1 AS DATE) AND amount > 0
    GROUP BY customer_id
),
delays AS (
    SELECT i.customer_id,
           i.invoice_id,
           i.due_date,
           CASE WHEN coalesce(a.allocated, 0) >= i.amount THEN a.last_on END AS settled_on,
           coalesce(a.paid, 0) AS paid,
           i.amount
    FROM invoices i
    LEFT JOIN alloc a ON a.invoice_id = i.invoice_id
    WHERE i.invoice_date <= CAST($1 AS DATE)
      AND i.amount > 0
      AND i.currency = $2
      AND NOT i.disputed
      AND i.invoice_id NOT IN (SELECT unnest(invoice_ids) FROM dunning_actions
                               WHERE type = 'dispute' AND action_date <= CAST($1 AS DATE))
      AND ($3 = '' OR i.customer_id = $3)
)
SELECT d.customer_id,
       d.invoice_id,
       d.due_date,
       d.settled_on,
       d.settled_on IS NULL                                                        AS open,
       CAST(date_diff('day', d.due_date, coalesce(d.settled_on, CAST($1 AS DATE))) AS INTEGER) AS days_late,
       CAST(d.amount * 100 AS BIGINT)                                              AS amount_cents,
       lp.last_payment_on
FROM delays d
LEFT JOIN last_payment lp ON lp.customer_id = d.customer_id
WHERE d.settled_on IS NULL OR d.paid > 0
ORDER BY d.customer_id, d.due_date, d.invoice_id;
