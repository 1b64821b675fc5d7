-- kpis: the receivables indicators on an as-of date A, as one row. DSO and
-- best-possible DSO are counted back from these totals and the monthly sales
-- of kpi_monthly_sales.sql (see risk/kpis.go).
--   $1  as-of date A (DATE)
--   $2  currency (SELECT report_currency())
-- Columns:
--   open_total, overdue_total, current_total: open amount on A, all of it,
--       the part past due (days_past_due > 0), the part not yet due
--   open_items, customers: open items on A, customers having any
--   unapplied_credit: as unapplied_credit(A, cur)
--   open_total_30, open_total_90: open amount on A-30 and A-90
--   sales_30, sales_90: invoice amounts, credit notes included, dated in
--       (A-30, A] and (A-90, A]
--   settled_amount, settled_amount_days_to_pay, settled_amount_days_late:
--       over the invoices fully settled in (A-90, A], the sum of their
--       amounts, and of amount × days from invoice date (due date) to the day
--       they were settled: the day their allocations last reached the
--       amount, and stayed there up to A. The amount-weighted days to pay
--       (days late) is settled_amount_days_to_pay (_late) / settled_amount.
WITH inv AS (
    SELECT invoice_id, customer_id, invoice_date, due_date, amount
    FROM invoices
    WHERE invoice_date <= CAST($1 AS DATE) AND currency = $2
),
-- allocations per invoice made on or before A, A-30 and A-90
alloc AS (
    SELECT invoice_id,
           sum(amount)                                                            AS on_a,
           coalesce(sum(amount) FILTER (WHERE allocated_on <= CAST($1 AS DATE) - 30), 0) AS on_a30,
           coalesce(sum(amount) FILTER (WHERE allocated_on <= CAST($1 AS DATE) - 90), 0) AS on_a90,
           max(allocated_on)                                                      AS last_on
    FROM payment_allocations
    WHERE allocated_on <= CAST($1 AS DATE)
    GROUP BY invoice_id
),
balances AS (
    SELECT i.invoice_id, i.customer_id, i.invoice_date, i.due_date, i.amount, a.last_on,
           i.amount - coalesce(a.on_a, 0) AS open_a,
           CASE WHEN i.invoice_date <= CAST($1 AS DATE) - 30 THEN i.amount - coalesce(a.on_a30, 0) ELSE 0 END AS open_a30,
           CASE WHEN i.invoice_date <= CAST($1 AS DATE) - 90 THEN i.amount - coalesce(a.on_a90, 0) ELSE 0 END AS open_a90
    FROM inv i
    LEFT JOIN alloc a ON a.invoice_id = i.invoice_id
    WHERE i.amount > 0
),
open_totals AS (
    SELECT coalesce(sum(open_a) FILTER (WHERE open_a > 0), 0)                                     AS open_total,
           coalesce(sum(open_a) FILTER (WHERE open_a > 0 AND due_date < CAST($1 AS DATE)), 0)      AS overdue_total,
           coalesce(sum(open_a) FILTER (WHERE open_a > 0 AND due_date >= CAST($1 AS DATE)), 0)     AS current_total,
           count(*) FILTER (WHERE open_a > 0)                                                     AS open_items,
           count(DISTINCT customer_id) FILTER (WHERE open_a > 0)                                  AS customers,
           coalesce(sum(open_a30) FILTER (WHERE open_a30 > 0), 0)                                 AS open_total_30,
           coalesce(sum(open_a90) FILTER (WHERE open_a90 > 0), 0)                                 AS open_total_90
    FROM balances
),
sales AS (
    SELECT coalesce(sum(amount) FILTER (WHERE invoice_date > CAST($1 AS DATE) - 30), 0) AS sales_30,
           coalesce(sum(amount) FILTER (WHERE invoice_date > CAST($1 AS DATE) - 90), 0) AS sales_90
    FROM inv
    WHERE invoice_date > CAST($1 AS DATE) - 90
),
-- invoices fully allocated on A whose last allocation is in (A-90, A]: only
-- they can have been settled in that window
candidates AS (
    SELECT invoice_id, invoice_date, due_date, amount
    FROM balances
    WHERE open_a <= 0 AND last_on > CAST($1 AS DATE) - 90
),
-- their allocations per day, with what was allocated before that day
candidate_days AS (
    SELECT invoice_id, allocated_on,
           coalesce(sum(sum(amount)) OVER (PARTITION BY invoice_id ORDER BY allocated_on
                                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
    FROM payment_allocations
    WHERE allocated_on <= CAST($1 AS DATE)
      AND invoice_id IN (SELECT invoice_id FROM candidates)
    GROUP BY invoice_id, allocated_on
),
-- settled on the last day on which the allocations went from below the
-- amount to the amount
settled AS (
    SELECT c.invoice_id, any_value(c.amount) AS amount,
           any_value(c.invoice_date) AS invoice_date, any_value(c.due_date) AS due_date,
           max(d.allocated_on) AS settled_on
    FROM candidates c
    JOIN candidate_days d ON d.invoice_id = c.invoice_id AND d.before < c.amount
    GROUP BY c.invoice_id
),
paid AS (
    SELECT coalesce(sum(amount), 0)                                               AS settled_amount,
           coalesce(sum(amount * date_diff('day', invoice_date, settled_on)), 0) AS settled_amount_days_to_pay,
           coalesce(sum(amount * date_diff('day', due_date, settled_on)), 0)     AS settled_amount_days_late
    FROM settled
    WHERE settled_on > CAST($1 AS DATE) - 90
)
SELECT o.open_total, o.overdue_total, o.current_total, o.open_items, o.customers,
       unapplied_credit(CAST($1 AS DATE), $2) AS unapplied_credit,
       o.open_total_30, o.open_total_90, s.sales_30, s.sales_90,
       p.settled_amount, p.settled_amount_days_to_pay, p.settled_amount_days_late
FROM open_totals o, sales s, paid p;
