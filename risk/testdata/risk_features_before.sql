-- risk_features: the payment-risk features of customers at one or more
-- as-of dates, one row per customer and date, and (for training) what
-- happened to the invoices each customer was issued in the days after.
--   $1  the as-of dates S, comma-separated: '2025-01-31,2025-02-28'
--   $2  currency (SELECT report_currency())
--   $3  customer_ids to compute, comma-separated; '' for every customer
--   $4  the cut T (DATE, on or after every S): outcomes count what was known
--       on T; nothing dated after T is read
--   $5  the outcome horizon H in days: 0 to score (every customer at every
--       date, the outcome columns zero); H > 0 to train (only the rows of
--       customers issued an invoice in (S, S+H], with those invoices' fate)
-- In the DuckDB shell, replace $1..$5 by for example
-- '2025-06-30', report_currency(), '', DATE '2025-06-30', 0.
--
-- Features at S use only what was known on S: invoices dated <= S, payments
-- dated <= S and allocations made on or before S (the allocation is causal,
-- see ingest/allocate.go). An invoice still open on S is censored: it counts
-- as late only once S is past its due date, and then with S - due_date as
-- its days late so far, never as "on time".
--
-- An invoice is paid on the day its allocations last reached its amount and
-- stayed there up to S (a reversed direct debit re-opens it). Per invoice:
--   days_late = paid_on - due_date when paid by S; S - due_date when open
--       and past due on S; unknown (NULL) when open and not yet due.
--   late      = days_late > 0 (known as soon as it is past due).
--   very late = days_late > 60.
--   partial   = settled by two or more payments, or open and partly paid.
-- Columns (money as DECIMAL; days are calendar days; DBT = days beyond
-- terms, amount-weighted over the invoices whose days_late is known):
--   customer_id, as_of, name, segment, kind, payment_terms_days, credit_limit
--   n_invoices, n_credit_notes, credit_note_amount (positive),
--   first_invoice, last_invoice, sales_3m, sales_12m (invoice amounts,
--   credit notes included, dated in the last 3 and 12 months),
--   usual_amount (the mean invoice amount),
--   open_amount, overdue_amount, n_open, n_overdue, oldest_overdue_days,
--   n_disputed, disputed_open_amount (disputed at S: by the dispute actions
--   dated <= S, else the ledger's flag),
--   dbt_all, n_dbt_all; dbt_90, n_dbt_90 and dbt_365, n_dbt_365 over the
--   invoices due in the last 90 and 365 days; dbt_trend (days late per 30
--   days of due date, least squares over the last 365 days); dbt_volatility
--   (standard deviation of days late over the last 365 days),
--   n_late, n_late_known, n_very_late, n_very_late_known,
--   n_very_late_365, n_very_late_known_365 (due in the last 365 days),
--   n_late_180, n_late_known_180 (due in the last 180 days), n_partial,
--   n_payments, n_reversals (negative payments), last_payment,
--   unapplied_credit (payments + credit notes - allocations),
--   out_n (invoices dated in (S, S+H]), out_late, out_late_known,
--   out_severe, out_severe_known (paid more than 60 days after due, or
--   still open more than 60 days after due on T), out_days_sum,
--   out_days_known (days late, 0 when paid on time, capped at 365: paid
--   ones, and open ones more than 60 days past due on T, counted to T).
WITH dates AS (
    SELECT DISTINCT CAST(trim(d) AS DATE) AS as_of
    FROM unnest(string_split($1, ',')) t(d)
    WHERE trim(d) <> ''
),
bounds AS (
    SELECT greatest(max(as_of), CAST($4 AS DATE)) AS last_day FROM dates
),
picked AS (
    SELECT DISTINCT trim(c) AS customer_id
    FROM unnest(string_split($3, ',')) t(c)
    WHERE trim(c) <> ''
),
cust AS (
    SELECT customer_id,
           coalesce(nullif(name, ''), customer_id) AS name,
           coalesce(segment, '') AS segment,
           kind, payment_terms_days, credit_limit
    FROM customers
    WHERE $3 = '' OR customer_id IN (SELECT customer_id FROM picked)
),
inv AS MATERIALIZED (
    SELECT i.invoice_id, i.customer_id, i.invoice_date, i.due_date, i.amount, i.disputed
    FROM invoices i
    WHERE i.currency = $2
      AND i.invoice_date <= (SELECT last_day FROM bounds)
      AND ($3 = '' OR i.customer_id IN (SELECT customer_id FROM picked))
),
-- allocations per invoice and day
alloc_day AS MATERIALIZED (
    SELECT a.invoice_id, a.allocated_on AS day, sum(a.amount) AS amount,
           count(*) FILTER (WHERE a.source_kind = 'payment' AND a.amount > 0) AS n_pay
    FROM payment_allocations a
    WHERE a.allocated_on <= (SELECT last_day FROM bounds)
      AND ($3 = '' OR a.customer_id IN (SELECT customer_id FROM picked))
    GROUP BY a.invoice_id, a.allocated_on
),
-- allocations per invoice up to each as-of date. Allocations never exceed
-- the amount, so a fully allocated invoice was paid on the last day whose
-- allocations went up (a reversal brings it below the amount; its
-- repayment up again).
alloc_at AS (
    SELECT a.invoice_id, d.as_of,
           sum(a.amount) AS allocated,
           sum(a.n_pay) AS n_pay,
           max(a.day) FILTER (WHERE a.amount > 0) AS last_up
    FROM alloc_day a
    JOIN dates d ON a.day <= d.as_of
    GROUP BY a.invoice_id, d.as_of
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
-- every invoice at every as-of date on or after its invoice date
inv_at AS (
    SELECT i.customer_id, d.as_of, i.invoice_date, i.due_date, i.amount,
           coalesce(ds.disputed, i.disputed) AS disputed,
           coalesce(a.allocated, 0) AS allocated,
           coalesce(a.n_pay, 0) AS n_pay,
           CASE WHEN a.allocated >= i.amount AND i.amount > 0 THEN a.last_up END AS paid_on
    FROM inv i
    JOIN dates d ON i.invoice_date <= d.as_of
    LEFT JOIN alloc_at a ON a.invoice_id = i.invoice_id AND a.as_of = d.as_of
    LEFT JOIN dispute_at ds ON ds.invoice_id = i.invoice_id AND ds.as_of = d.as_of
),
inv_days AS (
    SELECT *,
           CASE WHEN amount > 0 THEN amount - allocated ELSE 0 END AS open,
           CASE WHEN amount <= 0 THEN NULL
                WHEN paid_on IS NOT NULL THEN paid_on - due_date
                WHEN as_of > due_date THEN as_of - due_date
           END AS days_late,
           as_of - due_date AS due_back
    FROM inv_at
),
inv_agg AS (
    SELECT customer_id, as_of,
           count(*) FILTER (WHERE amount > 0)                                   AS n_invoices,
           count(*) FILTER (WHERE amount < 0)                                   AS n_credit_notes,
           coalesce(-sum(amount) FILTER (WHERE amount < 0), 0)                  AS credit_note_amount,
           min(invoice_date)                                                    AS first_invoice,
           max(invoice_date)                                                    AS last_invoice,
           coalesce(sum(amount) FILTER (WHERE invoice_date > as_of - INTERVAL 3 MONTH), 0)  AS sales_3m,
           coalesce(sum(amount) FILTER (WHERE invoice_date > as_of - INTERVAL 12 MONTH), 0) AS sales_12m,
           coalesce(CAST(sum(amount) FILTER (WHERE amount > 0) AS DOUBLE)
                    / count(*) FILTER (WHERE amount > 0), 0)            AS usual_amount,
           coalesce(sum(open) FILTER (WHERE open > 0), 0)                       AS open_amount,
           coalesce(sum(open) FILTER (WHERE open > 0 AND due_date < as_of), 0)  AS overdue_amount,
           count(*) FILTER (WHERE open > 0)                                     AS n_open,
           count(*) FILTER (WHERE open > 0 AND due_date < as_of)                AS n_overdue,
           coalesce(max(as_of - due_date) FILTER (WHERE open > 0 AND due_date < as_of), 0) AS oldest_overdue_days,
           count(*) FILTER (WHERE disputed AND amount > 0)                      AS n_disputed,
           coalesce(sum(open) FILTER (WHERE disputed AND open > 0), 0)          AS disputed_open_amount,
           -- Amounts times days are summed exactly (DECIMAL and integers),
           -- so that the figures do not depend on the order of summation.
           CAST(sum(amount * days_late) AS DOUBLE)
               / CAST(sum(amount) FILTER (WHERE days_late IS NOT NULL) AS DOUBLE)  AS dbt_all,
           count(days_late)                                                     AS n_dbt_all,
           CAST(sum(amount * days_late) FILTER (WHERE due_date > as_of - 90) AS DOUBLE)
               / CAST(sum(amount) FILTER (WHERE days_late IS NOT NULL AND due_date > as_of - 90) AS DOUBLE) AS dbt_90,
           count(days_late) FILTER (WHERE due_date > as_of - 90)                AS n_dbt_90,
           CAST(sum(amount * days_late) FILTER (WHERE due_date > as_of - 365) AS DOUBLE)
               / CAST(sum(amount) FILTER (WHERE days_late IS NOT NULL AND due_date > as_of - 365) AS DOUBLE) AS dbt_365,
           count(days_late) FILTER (WHERE due_date > as_of - 365)               AS n_dbt_365,
           -- least squares and standard deviation from exact sums; x is
           -- the due date in days before the as-of date
           sum(due_back) FILTER (WHERE days_late IS NOT NULL AND due_date > as_of - 365)             AS sx,
           sum(due_back * due_back) FILTER (WHERE days_late IS NOT NULL AND due_date > as_of - 365)  AS sxx,
           sum(days_late) FILTER (WHERE due_date > as_of - 365)                                      AS sy,
           sum(days_late * days_late) FILTER (WHERE due_date > as_of - 365)                          AS syy,
           sum(due_back * days_late) FILTER (WHERE due_date > as_of - 365)                           AS sxy,
           count(*) FILTER (WHERE days_late > 0)                                AS n_late,
           count(days_late)                                                     AS n_late_known,
           count(*) FILTER (WHERE days_late > 60)                               AS n_very_late,
           count(*) FILTER (WHERE paid_on IS NOT NULL OR days_late > 60)        AS n_very_late_known,
           count(*) FILTER (WHERE days_late > 60 AND due_date > as_of - 365)    AS n_very_late_365,
           count(*) FILTER (WHERE (paid_on IS NOT NULL OR days_late > 60) AND due_date > as_of - 365) AS n_very_late_known_365,
           count(*) FILTER (WHERE days_late > 0 AND due_date > as_of - 180)     AS n_late_180,
           count(days_late) FILTER (WHERE due_date > as_of - 180)               AS n_late_known_180,
           count(*) FILTER (WHERE amount > 0 AND (n_pay >= 2 OR (open > 0 AND allocated > 0))) AS n_partial,
           coalesce(sum(allocated), 0)                                          AS allocated
    FROM inv_days
    GROUP BY customer_id, as_of
),
pay AS (
    SELECT p.customer_id, p.payment_date, p.amount
    FROM payments p
    WHERE p.payment_date <= (SELECT max(as_of) FROM dates)
      AND ($3 = '' OR p.customer_id IN (SELECT customer_id FROM picked))
      AND p.customer_id NOT IN (SELECT customer_id FROM foreign_customers($2))
),
pay_agg AS (
    SELECT p.customer_id, d.as_of,
           count(*) FILTER (WHERE p.amount > 0)            AS n_payments,
           count(*) FILTER (WHERE p.amount < 0)            AS n_reversals,
           sum(p.amount)                                   AS paid,
           max(p.payment_date) FILTER (WHERE p.amount > 0) AS last_payment
    FROM pay p
    JOIN dates d ON p.payment_date <= d.as_of
    GROUP BY p.customer_id, d.as_of
),
-- training only: the fate on T of the invoices dated in (S, S+H]
final AS (
    SELECT i.customer_id, i.invoice_date, i.due_date,
           CASE WHEN s.allocated >= i.amount THEN s.last_up END AS paid_on
    FROM inv i
    LEFT JOIN (SELECT invoice_id, sum(amount) AS allocated,
                      max(day) FILTER (WHERE amount > 0) AS last_up
               FROM alloc_day
               WHERE $5 > 0 AND day <= CAST($4 AS DATE)
               GROUP BY invoice_id) s ON s.invoice_id = i.invoice_id
    WHERE $5 > 0 AND i.amount > 0
),
outcome_days AS (
    SELECT f.customer_id, d.as_of,
           CASE WHEN f.paid_on IS NOT NULL THEN f.paid_on - f.due_date
                WHEN CAST($4 AS DATE) > f.due_date THEN CAST($4 AS DATE) - f.due_date
           END AS days_late,
           f.paid_on IS NOT NULL AS paid
    FROM final f
    JOIN dates d ON f.invoice_date > d.as_of AND f.invoice_date <= d.as_of + CAST($5 AS INTEGER)
),
outcome AS (
    SELECT customer_id, as_of,
           count(*)                                         AS out_n,
           count(*) FILTER (WHERE days_late > 0)            AS out_late,
           count(days_late)                                 AS out_late_known,
           count(*) FILTER (WHERE days_late > 60)           AS out_severe,
           count(*) FILTER (WHERE paid OR days_late > 60)   AS out_severe_known,
           coalesce(sum(least(greatest(days_late, 0), 365)) FILTER (WHERE paid OR days_late > 60), 0) AS out_days_sum,
           count(*) FILTER (WHERE paid OR days_late > 60)   AS out_days_known
    FROM outcome_days
    GROUP BY customer_id, as_of
)
SELECT c.customer_id, d.as_of, c.name, c.segment, c.kind, c.payment_terms_days, c.credit_limit,
       coalesce(a.n_invoices, 0)            AS n_invoices,
       coalesce(a.n_credit_notes, 0)        AS n_credit_notes,
       coalesce(a.credit_note_amount, 0)    AS credit_note_amount,
       a.first_invoice, a.last_invoice,
       coalesce(a.sales_3m, 0)              AS sales_3m,
       coalesce(a.sales_12m, 0)             AS sales_12m,
       coalesce(a.usual_amount, 0)          AS usual_amount,
       coalesce(a.open_amount, 0)           AS open_amount,
       coalesce(a.overdue_amount, 0)        AS overdue_amount,
       coalesce(a.n_open, 0)                AS n_open,
       coalesce(a.n_overdue, 0)             AS n_overdue,
       coalesce(a.oldest_overdue_days, 0)   AS oldest_overdue_days,
       coalesce(a.n_disputed, 0)            AS n_disputed,
       coalesce(a.disputed_open_amount, 0)  AS disputed_open_amount,
       coalesce(a.dbt_all, 0)               AS dbt_all,
       coalesce(a.n_dbt_all, 0)             AS n_dbt_all,
       coalesce(a.dbt_90, 0)                AS dbt_90,
       coalesce(a.n_dbt_90, 0)              AS n_dbt_90,
       coalesce(a.dbt_365, 0)               AS dbt_365,
       coalesce(a.n_dbt_365, 0)             AS n_dbt_365,
       -- slope of days late against due date, per 30 days (x counts back)
       coalesce(CASE WHEN a.n_dbt_365 >= 2 AND a.n_dbt_365 * a.sxx - a.sx * a.sx > 0
                     THEN -30 * CAST(a.n_dbt_365 * a.sxy - a.sx * a.sy AS DOUBLE)
                          / CAST(a.n_dbt_365 * a.sxx - a.sx * a.sx AS DOUBLE) END, 0) AS dbt_trend,
       coalesce(CASE WHEN a.n_dbt_365 >= 2
                     THEN sqrt(greatest(CAST(a.n_dbt_365 * a.syy - a.sy * a.sy AS DOUBLE), 0)
                               / (a.n_dbt_365 * (a.n_dbt_365 - 1))) END, 0)   AS dbt_volatility,
       coalesce(a.n_late, 0)                AS n_late,
       coalesce(a.n_late_known, 0)          AS n_late_known,
       coalesce(a.n_very_late, 0)           AS n_very_late,
       coalesce(a.n_very_late_known, 0)     AS n_very_late_known,
       coalesce(a.n_very_late_365, 0)       AS n_very_late_365,
       coalesce(a.n_very_late_known_365, 0) AS n_very_late_known_365,
       coalesce(a.n_late_180, 0)            AS n_late_180,
       coalesce(a.n_late_known_180, 0)      AS n_late_known_180,
       coalesce(a.n_partial, 0)             AS n_partial,
       coalesce(p.n_payments, 0)            AS n_payments,
       coalesce(p.n_reversals, 0)           AS n_reversals,
       p.last_payment,
       coalesce(p.paid, 0) + coalesce(a.credit_note_amount, 0) - coalesce(a.allocated, 0) AS unapplied_credit,
       coalesce(o.out_n, 0)                 AS out_n,
       coalesce(o.out_late, 0)              AS out_late,
       coalesce(o.out_late_known, 0)        AS out_late_known,
       coalesce(o.out_severe, 0)            AS out_severe,
       coalesce(o.out_severe_known, 0)      AS out_severe_known,
       coalesce(o.out_days_sum, 0)          AS out_days_sum,
       coalesce(o.out_days_known, 0)        AS out_days_known
FROM cust c
CROSS JOIN dates d
LEFT JOIN inv_agg a ON a.customer_id = c.customer_id AND a.as_of = d.as_of
LEFT JOIN pay_agg p ON p.customer_id = c.customer_id AND p.as_of = d.as_of
LEFT JOIN outcome o ON o.customer_id = c.customer_id AND o.as_of = d.as_of
WHERE CAST($5 AS INTEGER) = 0 OR o.out_n > 0
ORDER BY c.customer_id, d.as_of;
