-- kpis: the receivables indicators on an as-of date A, as one row. DSO and
-- best-possible DSO are counted back from these totals and the monthly sales
-- of kpi_monthly_sales.sql; risk/kpis.go computes the ratios.
--   $1  as-of date A (DATE)
--   $2  currency (SELECT report_currency())
-- Columns:
--   open_total, overdue_total, current_total: open amount on A, all of it,
--       the part past due (days_past_due > 0), the part not yet due
--   open_items, customers: open items on A, customers having any
--   unapplied_credit: as unapplied_credit(A, cur)
--   open_total_30, open_total_90: open amount on A-30 and A-90 (as
--       receivable(A-30, cur): no need to go through the invoices again)
--   sales_30, sales_90: invoice amounts, credit notes included, dated in
--       (A-30, A] and (A-90, A]
--   settled_amount, settled_amount_days_to_pay, settled_amount_days_late:
--       over the invoices fully settled in (A-90, A], the sum of their
--       amounts, and of amount × days from invoice date (due date) to the day
--       they were settled: the day their allocations last reached the
--       amount, and stayed there up to A. The amount-weighted days to pay
--       (days late) is settled_amount_days_to_pay (_late) / settled_amount.
-- The allocations are summed per invoice once and joined with the invoices
-- once, only for invoices not settled for good by A-90 (invoice_settlement):
-- the others count for none of the figures.
WITH live AS (
    SELECT invoice_id
    FROM invoice_settlement
    WHERE closed_from IS NULL OR closed_from > CAST($1 AS DATE) - 90
),
alloc AS (
    SELECT invoice_id,
           sum(amount)                                      AS on_a,
           max(allocated_on)                                AS last_on,
           max(CASE WHEN amount < 0 THEN allocated_on END)  AS last_negative_on
    FROM payment_allocations
    WHERE allocated_on <= CAST($1 AS DATE)
      AND invoice_id IN (SELECT invoice_id FROM live)
    GROUP BY invoice_id
),
-- the invoices of A that are open on A or had allocations in (A-90, A],
-- with what is open of them on A; the others (settled before A-90) count
-- for none of the figures below
balances AS (
    SELECT i.invoice_id, i.customer_id, i.invoice_date, i.due_date, i.amount,
           a.last_on, a.last_negative_on,
           i.amount - coalesce(a.on_a, 0) AS open_a
    FROM live l
    JOIN invoices i ON i.invoice_id = l.invoice_id
    LEFT JOIN alloc a ON a.invoice_id = i.invoice_id
    WHERE i.invoice_date <= CAST($1 AS DATE) AND i.amount > 0 AND i.currency = $2
      AND (a.on_a IS NULL OR a.on_a < i.amount OR a.last_on > CAST($1 AS DATE) - 90)
),
totals AS (
    SELECT coalesce(sum(open_a) FILTER (WHERE open_a > 0), 0)                                 AS open_total,
           coalesce(sum(open_a) FILTER (WHERE open_a > 0 AND due_date < CAST($1 AS DATE)), 0)  AS overdue_total,
           coalesce(sum(open_a) FILTER (WHERE open_a > 0 AND due_date >= CAST($1 AS DATE)), 0) AS current_total,
           count(*) FILTER (WHERE open_a > 0)                                                 AS open_items,
           count(DISTINCT customer_id) FILTER (WHERE open_a > 0)                              AS customers
    FROM balances
),
sales AS (
    SELECT coalesce(sum(amount) FILTER (WHERE invoice_date > CAST($1 AS DATE) - 30), 0) AS sales_30,
           coalesce(sum(amount), 0)                                                     AS sales_90
    FROM invoices
    WHERE invoice_date <= CAST($1 AS DATE) AND invoice_date > CAST($1 AS DATE) - 90 AND currency = $2
),
-- Fully allocated invoices whose last allocation is in (A-90, A]: only they
-- can have been settled in that window. Their allocations last reached the
-- amount on the last day on which they went up: on last_on, unless that day
-- also has a negative allocation (a reversal, or an allocation the ingest
-- moved to another invoice), when they may have gone down or stayed level;
-- for those few, walk through their allocations day by day.
settled_simply AS (
    SELECT amount, invoice_date, due_date, last_on AS settled_on
    FROM balances
    WHERE open_a <= 0 AND last_on > CAST($1 AS DATE) - 90
      AND (last_negative_on IS NULL OR last_negative_on < last_on)
),
walk AS (
    SELECT invoice_id, amount, invoice_date, due_date
    FROM balances
    WHERE open_a <= 0 AND last_on > CAST($1 AS DATE) - 90 AND last_negative_on = last_on
),
-- their allocations per day, with what was allocated before that day
walk_days AS (
    SELECT invoice_id, allocated_on,
           coalesce(sum(sum(amount)) OVER (PARTITION BY invoice_id ORDER BY allocated_on
                                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
    FROM payment_allocations
    WHERE allocated_on <= CAST($1 AS DATE)
      AND invoice_id IN (SELECT invoice_id FROM walk)
    GROUP BY invoice_id, allocated_on
),
settled AS (
    SELECT amount, invoice_date, due_date, settled_on FROM settled_simply
    UNION ALL
    -- the last day on which the allocations went from below the amount to it
    SELECT any_value(r.amount), any_value(r.invoice_date), any_value(r.due_date), max(d.allocated_on)
    FROM walk r
    JOIN walk_days d ON d.invoice_id = r.invoice_id AND d.before < r.amount
    GROUP BY r.invoice_id
),
paid AS (
    SELECT coalesce(sum(amount), 0)                                               AS settled_amount,
           coalesce(sum(amount * date_diff('day', invoice_date, settled_on)), 0) AS settled_amount_days_to_pay,
           coalesce(sum(amount * date_diff('day', due_date, settled_on)), 0)     AS settled_amount_days_late
    FROM settled
    WHERE settled_on > CAST($1 AS DATE) - 90
)
SELECT t.open_total, t.overdue_total, t.current_total, t.open_items, t.customers,
       unapplied_credit(CAST($1 AS DATE), $2) AS unapplied_credit,
       receivable(CAST($1 AS DATE) - 30, $2) AS open_total_30,
       receivable(CAST($1 AS DATE) - 90, $2) AS open_total_90,
       s.sales_30, s.sales_90,
       p.settled_amount, p.settled_amount_days_to_pay, p.settled_amount_days_late
FROM totals t, sales s, paid p;
