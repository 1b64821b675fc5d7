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
--
-- How: nothing is computed per invoice and date that need not be. An
-- invoice paid in full, or a credit note, no longer changes after its last
-- allocation and dispute action (settled_on): its share of the figures is
-- added once, at the first as-of date on or after settled_on, and taken
-- back from the figures over a window of due dates when it leaves the
-- window; running sums over the dates do the rest. Only the invoices that
-- may still change (open, or before settled_on) are followed date by date
-- (live). Invoices, payments and the training outcome are running sums by
-- date in the same way. testdata/risk_features_before.sql in risk/ is the
-- straightforward form this must equal (TestFeaturesQueryUnchanged).
WITH dates AS MATERIALIZED (
    SELECT as_of,
           CAST(as_of - DATE '2000-01-01' AS BIGINT) AS as_of_n,
           CAST(as_of - INTERVAL 3 MONTH AS DATE) AS as_of_3m,
           CAST(as_of - INTERVAL 12 MONTH AS DATE) AS as_of_12m,
           -- the as-of date before, or the start of time
           coalesce(lag(as_of) OVER (ORDER BY as_of), DATE '0001-01-01') AS after,
           coalesce(CAST(lag(as_of) OVER (ORDER BY as_of) - INTERVAL 3 MONTH AS DATE), DATE '0001-01-01') AS after_3m,
           coalesce(CAST(lag(as_of) OVER (ORDER BY as_of) - INTERVAL 12 MONTH AS DATE), DATE '0001-01-01') AS after_12m
    FROM (SELECT DISTINCT CAST(trim(d) AS DATE) AS as_of
          FROM unnest(string_split($1, ',')) t(d)
          WHERE trim(d) <> '')
),
bounds AS MATERIALIZED (
    SELECT max(as_of) AS last_as_of, greatest(max(as_of), CAST($4 AS DATE)) AS last_day FROM dates
),
picked AS (
    SELECT DISTINCT trim(c) AS customer_id
    FROM unnest(string_split($3, ',')) t(c)
    WHERE trim(c) <> ''
),
-- credit_limit is the one set by hand: the latest override of the customer
-- page, else the ledger's (manual_credit_limit, 014_pauses_and_manual_limits.sql).
cust AS (
    SELECT c.customer_id,
           coalesce(nullif(c.name, ''), c.customer_id) AS name,
           coalesce(c.segment, '') AS segment,
           c.kind, c.payment_terms_days, m.credit_limit
    FROM customers c
    JOIN manual_credit_limit() m ON m.customer_id = c.customer_id
    WHERE $3 = '' OR c.customer_id IN (SELECT customer_id FROM picked)
),
-- every customer at every as-of date
grid AS MATERIALIZED (
    SELECT c.customer_id, d.as_of, d.as_of_n, d.as_of_3m, d.as_of_12m
    FROM cust c CROSS JOIN dates d
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
-- the dispute actions per invoice and day, the last of the day
-- (invoice_disputes in 009_dunning_disputes.sql); the ledger's flag holds
-- for the invoices they do not name
dispute_day AS MATERIALIZED (
    SELECT x.invoice_id, x.action_date, x.type = 'dispute' AS disputed
    FROM (SELECT unnest(invoice_ids) AS invoice_id, type, action_date, action_id
          FROM dunning_actions
          WHERE type IN ('dispute', 'dispute_resolved')) x
    QUALIFY row_number() OVER (PARTITION BY x.invoice_id, x.action_date ORDER BY x.action_id DESC) = 1
),
-- each invoice after its last allocation and dispute action. Allocations
-- never exceed the amount, so a fully allocated invoice was paid on the
-- last day whose allocations went up (a reversal brings it below the
-- amount; its repayment up again). From settled_on on, an invoice paid in
-- full, and a credit note, no longer change: their share of the figures
-- is added up once, by date (settled below); the others are followed
-- date by date (live).
inv_final AS MATERIALIZED (
    SELECT i.*,
           coalesce(ds.disputed, i.disputed) AS final_disputed,
           coalesce(a.allocated, 0) AS final_allocated,
           coalesce(a.n_pay, 0) AS final_n_pay,
           CASE WHEN a.allocated >= i.amount AND i.amount > 0 THEN a.last_up END AS final_paid_on,
           greatest(i.invoice_date, a.last_day, ds.action_date) AS settled_on
    FROM inv i
    LEFT JOIN (SELECT invoice_id, sum(amount) AS allocated, sum(n_pay) AS n_pay,
                      max(day) FILTER (WHERE amount > 0) AS last_up, max(day) AS last_day
               FROM alloc_day
               GROUP BY invoice_id) a ON a.invoice_id = i.invoice_id
    LEFT JOIN (SELECT * FROM dispute_day
               QUALIFY row_number() OVER (PARTITION BY invoice_id ORDER BY action_date DESC) = 1) ds
           ON ds.invoice_id = i.invoice_id
),
-- the invoices at the as-of dates on which they may still change
live AS MATERIALIZED (
    SELECT i.customer_id, d.as_of, i.invoice_id, i.due_date, i.amount, i.disputed
    FROM inv_final i
    JOIN dates d ON i.invoice_date <= d.as_of
    WHERE NOT ((i.amount <= 0 OR i.final_paid_on IS NOT NULL) AND d.as_of >= i.settled_on)
),
live_alloc AS (
    SELECT l.invoice_id, l.as_of, sum(a.amount) AS allocated, sum(a.n_pay) AS n_pay,
           max(a.day) FILTER (WHERE a.amount > 0) AS last_up
    FROM live l
    JOIN alloc_day a ON a.invoice_id = l.invoice_id AND a.day <= l.as_of
    GROUP BY l.invoice_id, l.as_of
),
live_dispute AS (
    SELECT l.invoice_id, l.as_of, ds.disputed
    FROM live l
    JOIN dispute_day ds ON ds.invoice_id = l.invoice_id AND ds.action_date <= l.as_of
    QUALIFY row_number() OVER (PARTITION BY l.invoice_id, l.as_of ORDER BY ds.action_date DESC) = 1
),
live_at AS (
    SELECT l.customer_id, l.as_of, l.due_date, l.amount,
           coalesce(ds.disputed, l.disputed) AS disputed,
           coalesce(a.allocated, 0) AS allocated,
           coalesce(a.n_pay, 0) AS n_pay,
           CASE WHEN a.allocated >= l.amount AND l.amount > 0 THEN a.last_up END AS paid_on
    FROM live l
    LEFT JOIN live_alloc a ON a.invoice_id = l.invoice_id AND a.as_of = l.as_of
    LEFT JOIN live_dispute ds ON ds.invoice_id = l.invoice_id AND ds.as_of = l.as_of
),
live_days AS (
    SELECT *,
           CASE WHEN amount > 0 THEN amount - allocated ELSE 0 END AS open,
           CASE WHEN amount <= 0 THEN NULL
                WHEN paid_on IS NOT NULL THEN paid_on - due_date
                WHEN as_of > due_date THEN as_of - due_date
           END AS days_late,
           as_of - due_date AS due_back
    FROM live_at
),
live_agg AS (
    SELECT customer_id, as_of,
           sum(open) FILTER (WHERE open > 0)                                    AS open_amount,
           sum(open) FILTER (WHERE open > 0 AND due_date < as_of)               AS overdue_amount,
           count(*) FILTER (WHERE open > 0)                                     AS n_open,
           count(*) FILTER (WHERE open > 0 AND due_date < as_of)                AS n_overdue,
           max(as_of - due_date) FILTER (WHERE open > 0 AND due_date < as_of)   AS oldest_overdue_days,
           count(*) FILTER (WHERE disputed AND amount > 0)                      AS n_disputed,
           sum(open) FILTER (WHERE disputed AND open > 0)                       AS disputed_open_amount,
           sum(amount * days_late)                                              AS dbt_num,
           sum(amount) FILTER (WHERE days_late IS NOT NULL)                     AS dbt_den,
           count(days_late)                                                     AS n_dbt_all,
           sum(amount * days_late) FILTER (WHERE due_date > as_of - 90)         AS dbt_num_90,
           sum(amount) FILTER (WHERE days_late IS NOT NULL AND due_date > as_of - 90) AS dbt_den_90,
           count(days_late) FILTER (WHERE due_date > as_of - 90)                AS n_dbt_90,
           sum(amount * days_late) FILTER (WHERE due_date > as_of - 365)        AS dbt_num_365,
           sum(amount) FILTER (WHERE days_late IS NOT NULL AND due_date > as_of - 365) AS dbt_den_365,
           count(days_late) FILTER (WHERE due_date > as_of - 365)               AS n_dbt_365,
           sum(due_back) FILTER (WHERE days_late IS NOT NULL AND due_date > as_of - 365)             AS sx,
           sum(due_back * due_back) FILTER (WHERE days_late IS NOT NULL AND due_date > as_of - 365)  AS sxx,
           sum(days_late) FILTER (WHERE due_date > as_of - 365)                                      AS sy,
           sum(days_late * days_late) FILTER (WHERE due_date > as_of - 365)                          AS syy,
           sum(due_back * days_late) FILTER (WHERE due_date > as_of - 365)                           AS sxy,
           count(*) FILTER (WHERE days_late > 0)                                AS n_late,
           count(*) FILTER (WHERE days_late > 60)                               AS n_very_late,
           count(*) FILTER (WHERE paid_on IS NOT NULL OR days_late > 60)        AS n_very_late_known,
           count(*) FILTER (WHERE days_late > 60 AND due_date > as_of - 365)    AS n_very_late_365,
           count(*) FILTER (WHERE (paid_on IS NOT NULL OR days_late > 60) AND due_date > as_of - 365) AS n_very_late_known_365,
           count(*) FILTER (WHERE days_late > 0 AND due_date > as_of - 180)     AS n_late_180,
           count(days_late) FILTER (WHERE due_date > as_of - 180)               AS n_late_known_180,
           count(*) FILTER (WHERE amount > 0 AND (n_pay >= 2 OR (open > 0 AND allocated > 0))) AS n_partial,
           sum(allocated)                                                       AS allocated
    FROM live_days
    GROUP BY customer_id, as_of
),
-- the settled invoices: paid in full (days late fixed) or credit notes.
-- One counts at every as-of date from settled_on on, and in the figures
-- over invoices due in the last W days only while the date is before
-- due_date + W: it adds its share from settled_on and takes it back from
-- due_date + W, the sums are running sums over the dates, and the sums
-- of x = as_of - due_date come from sums of the due date (x is due_n).
settled AS (
    SELECT customer_id, settled_on, amount, final_paid_on AS paid_on,
           final_paid_on - due_date AS days_late, final_n_pay AS n_pay,
           final_allocated AS allocated, final_disputed AS disputed,
           due_date, CAST(due_date - DATE '2000-01-01' AS BIGINT) AS due_n
    FROM inv_final
    WHERE (amount <= 0 OR final_paid_on IS NOT NULL)
      AND settled_on <= (SELECT last_as_of FROM bounds)
),
settled_events AS (
    SELECT customer_id, settled_on AS day,
           CAST(days_late > 0 AS INTEGER)                       AS n_late,
           CAST(days_late > 60 AS INTEGER)                      AS n_very_late,
           CAST(paid_on IS NOT NULL AS INTEGER)                 AS n_very_late_known,
           CAST(amount > 0 AND n_pay >= 2 AS INTEGER)           AS n_partial,
           allocated,
           CAST(disputed AND amount > 0 AS INTEGER)             AS n_disputed,
           amount * days_late                                   AS dbt_num,
           CASE WHEN days_late IS NOT NULL THEN amount END      AS dbt_den,
           CAST(days_late IS NOT NULL AS INTEGER)               AS n_dbt_all,
           amount * days_late                                   AS dbt_num_90,
           CASE WHEN days_late IS NOT NULL THEN amount END      AS dbt_den_90,
           CAST(days_late IS NOT NULL AS INTEGER)               AS n_dbt_90,
           CAST(days_late > 0 AS INTEGER)                       AS n_late_180,
           CAST(days_late IS NOT NULL AS INTEGER)               AS n_late_known_180,
           amount * days_late                                   AS dbt_num_365,
           CASE WHEN days_late IS NOT NULL THEN amount END      AS dbt_den_365,
           CAST(days_late IS NOT NULL AS INTEGER)               AS n_dbt_365,
           CASE WHEN days_late IS NOT NULL THEN due_n END       AS s_due,
           CASE WHEN days_late IS NOT NULL THEN due_n * due_n END AS s_due2,
           days_late                                            AS sy,
           days_late * days_late                                AS syy,
           due_n * days_late                                    AS s_due_y,
           CAST(days_late > 60 AS INTEGER)                      AS n_very_late_365,
           CAST(paid_on IS NOT NULL AS INTEGER)                 AS n_very_late_known_365
    FROM settled
    UNION ALL
    SELECT customer_id, greatest(settled_on, due_date + 90), 0, 0, 0, 0, 0, 0, 0, 0, 0,
           -(amount * days_late), -amount, -1,
           0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, 0, 0
    FROM settled
    WHERE days_late IS NOT NULL AND greatest(settled_on, due_date + 90) <= (SELECT last_as_of FROM bounds)
    UNION ALL
    SELECT customer_id, greatest(settled_on, due_date + 180), 0, 0, 0, 0, 0, 0, 0, 0, 0,
           0, 0, 0,
           -CAST(days_late > 0 AS INTEGER), -1,
           0, 0, 0, NULL, NULL, NULL, NULL, NULL, 0, 0
    FROM settled
    WHERE days_late IS NOT NULL AND greatest(settled_on, due_date + 180) <= (SELECT last_as_of FROM bounds)
    UNION ALL
    SELECT customer_id, greatest(settled_on, due_date + 365), 0, 0, 0, 0, 0, 0, 0, 0, 0,
           0, 0, 0,
           0, 0,
           -(amount * days_late), -amount, -1,
           -due_n, -(due_n * due_n), -days_late, -(days_late * days_late), -(due_n * days_late),
           -CAST(days_late > 60 AS INTEGER), -1
    FROM settled
    WHERE days_late IS NOT NULL AND greatest(settled_on, due_date + 365) <= (SELECT last_as_of FROM bounds)
),
-- the events summed per customer at the first as-of date on or after them
settled_step AS (
    SELECT e.customer_id, d.as_of,
           sum(n_late) AS n_late, sum(n_very_late) AS n_very_late,
           sum(n_very_late_known) AS n_very_late_known, sum(n_partial) AS n_partial,
           sum(allocated) AS allocated, sum(n_disputed) AS n_disputed,
           sum(dbt_num) AS dbt_num, sum(dbt_den) AS dbt_den, sum(n_dbt_all) AS n_dbt_all,
           sum(dbt_num_90) AS dbt_num_90, sum(dbt_den_90) AS dbt_den_90, sum(n_dbt_90) AS n_dbt_90,
           sum(n_late_180) AS n_late_180, sum(n_late_known_180) AS n_late_known_180,
           sum(dbt_num_365) AS dbt_num_365, sum(dbt_den_365) AS dbt_den_365, sum(n_dbt_365) AS n_dbt_365,
           sum(s_due) AS s_due, sum(s_due2) AS s_due2, sum(sy) AS sy, sum(syy) AS syy, sum(s_due_y) AS s_due_y,
           sum(n_very_late_365) AS n_very_late_365, sum(n_very_late_known_365) AS n_very_late_known_365
    FROM settled_events e
    JOIN dates d ON e.day <= d.as_of AND e.day > d.after
    GROUP BY e.customer_id, d.as_of
),
-- the invoices by invoice date: counted from their date on, and in the
-- sales of the last 3 and 12 months until the first date 3 and 12 months
-- later
inv_events AS (
    SELECT i.customer_id, d.as_of,
           count(*) AS n_all,
           count(*) FILTER (WHERE amount > 0) AS n_invoices,
           count(*) FILTER (WHERE amount < 0) AS n_credit_notes,
           coalesce(-sum(amount) FILTER (WHERE amount < 0), 0) AS credit_note_amount,
           coalesce(sum(amount) FILTER (WHERE amount > 0), 0) AS invoiced,
           sum(amount) AS sales_3m, sum(amount) AS sales_12m,
           max(invoice_date) AS last_invoice
    FROM inv i
    JOIN dates d ON i.invoice_date <= d.as_of AND i.invoice_date > d.after
    GROUP BY i.customer_id, d.as_of
    UNION ALL
    SELECT i.customer_id, d.as_of, 0, 0, 0, 0, 0, -sum(amount), 0, NULL
    FROM inv i
    JOIN dates d ON i.invoice_date <= d.as_of_3m AND i.invoice_date > d.after_3m
    GROUP BY i.customer_id, d.as_of
    UNION ALL
    SELECT i.customer_id, d.as_of, 0, 0, 0, 0, 0, 0, -sum(amount), NULL
    FROM inv i
    JOIN dates d ON i.invoice_date <= d.as_of_12m AND i.invoice_date > d.after_12m
    GROUP BY i.customer_id, d.as_of
),
inv_step AS (
    SELECT customer_id, as_of, sum(n_all) AS n_all, sum(n_invoices) AS n_invoices,
           sum(n_credit_notes) AS n_credit_notes, sum(credit_note_amount) AS credit_note_amount,
           sum(invoiced) AS invoiced, sum(sales_3m) AS sales_3m, sum(sales_12m) AS sales_12m,
           max(last_invoice) AS last_invoice
    FROM inv_events
    GROUP BY customer_id, as_of
),
first_invoice AS (
    SELECT customer_id, min(invoice_date) AS first_invoice FROM inv GROUP BY customer_id
),
pay_step AS (
    SELECT p.customer_id, d.as_of,
           count(*) FILTER (WHERE p.amount > 0)            AS n_payments,
           count(*) FILTER (WHERE p.amount < 0)            AS n_reversals,
           sum(p.amount)                                   AS paid,
           max(p.payment_date) FILTER (WHERE p.amount > 0) AS last_payment
    FROM payments p
    JOIN dates d ON p.payment_date <= d.as_of AND p.payment_date > d.after
    WHERE ($3 = '' OR p.customer_id IN (SELECT customer_id FROM picked))
      AND p.customer_id NOT IN (SELECT customer_id FROM foreign_customers($2))
    GROUP BY p.customer_id, d.as_of
),
-- training only: the fate on T of the invoices dated in (S, S+H], counted
-- from S = invoice date - H on and taken back from S = invoice date on
final AS (
    SELECT i.customer_id, i.invoice_date,
           CASE WHEN s.allocated >= i.amount THEN s.last_up - i.due_date
                WHEN CAST($4 AS DATE) > i.due_date THEN CAST($4 AS DATE) - i.due_date
           END AS days_late,
           s.allocated >= i.amount AS paid
    FROM inv i
    LEFT JOIN (SELECT invoice_id, sum(amount) AS allocated,
                      max(day) FILTER (WHERE amount > 0) AS last_up
               FROM alloc_day
               WHERE $5 > 0 AND day <= CAST($4 AS DATE)
               GROUP BY invoice_id) s ON s.invoice_id = i.invoice_id
    WHERE $5 > 0 AND i.amount > 0
),
final_sign AS (
    SELECT customer_id, invoice_date - CAST($5 AS INTEGER) AS day, 1 AS sign, days_late, paid FROM final
    UNION ALL
    SELECT customer_id, invoice_date, -1, days_late, paid FROM final
),
outcome_step AS (
    SELECT f.customer_id, d.as_of,
           sum(sign)                                           AS out_n,
           coalesce(sum(sign) FILTER (WHERE days_late > 0), 0) AS out_late,
           coalesce(sum(sign) FILTER (WHERE days_late IS NOT NULL), 0) AS out_late_known,
           coalesce(sum(sign) FILTER (WHERE days_late > 60), 0) AS out_severe,
           coalesce(sum(sign) FILTER (WHERE paid OR days_late > 60), 0) AS out_severe_known,
           coalesce(sum(sign * least(greatest(days_late, 0), 365)) FILTER (WHERE paid OR days_late > 60), 0) AS out_days_sum
    FROM final_sign f
    JOIN dates d ON f.day <= d.as_of AND f.day > d.after
    GROUP BY f.customer_id, d.as_of
),
-- every customer's steps at every date, and their running sums
steps AS (
    SELECT g.customer_id, g.as_of,
           s.* EXCLUDE (customer_id, as_of), i.* EXCLUDE (customer_id, as_of),
           p.* EXCLUDE (customer_id, as_of), o.* EXCLUDE (customer_id, as_of)
    FROM grid g
    LEFT JOIN settled_step s ON s.customer_id = g.customer_id AND s.as_of = g.as_of
    LEFT JOIN inv_step i ON i.customer_id = g.customer_id AND i.as_of = g.as_of
    LEFT JOIN pay_step p ON p.customer_id = g.customer_id AND p.as_of = g.as_of
    LEFT JOIN outcome_step o ON o.customer_id = g.customer_id AND o.as_of = g.as_of
),
run AS (
    SELECT g.customer_id, g.as_of,
           sum(x.n_late) AS n_late, sum(x.n_very_late) AS n_very_late,
           sum(x.n_very_late_known) AS n_very_late_known, sum(x.n_partial) AS n_partial,
           sum(x.allocated) AS allocated, sum(x.n_disputed) AS n_disputed,
           sum(x.dbt_num) AS dbt_num, sum(x.dbt_den) AS dbt_den, sum(x.n_dbt_all) AS n_dbt_all,
           sum(x.dbt_num_90) AS dbt_num_90, sum(x.dbt_den_90) AS dbt_den_90, sum(x.n_dbt_90) AS n_dbt_90,
           sum(x.n_late_180) AS n_late_180, sum(x.n_late_known_180) AS n_late_known_180,
           sum(x.dbt_num_365) AS dbt_num_365, sum(x.dbt_den_365) AS dbt_den_365, sum(x.n_dbt_365) AS n_dbt_365,
           sum(x.s_due) AS s_due, sum(x.s_due2) AS s_due2, sum(x.sy) AS sy, sum(x.syy) AS syy,
           sum(x.s_due_y) AS s_due_y,
           sum(x.n_very_late_365) AS n_very_late_365, sum(x.n_very_late_known_365) AS n_very_late_known_365,
           sum(x.n_all) AS n_all, sum(x.n_invoices) AS n_invoices,
           sum(x.n_credit_notes) AS n_credit_notes, sum(x.credit_note_amount) AS credit_note_amount,
           sum(x.invoiced) AS invoiced, sum(x.sales_3m) AS sales_3m, sum(x.sales_12m) AS sales_12m,
           max(x.last_invoice) AS last_invoice,
           sum(x.n_payments) AS n_payments, sum(x.n_reversals) AS n_reversals,
           sum(x.paid) AS paid, max(x.last_payment) AS last_payment,
           sum(x.out_n) AS out_n, sum(x.out_late) AS out_late,
           sum(x.out_late_known) AS out_late_known, sum(x.out_severe) AS out_severe,
           sum(x.out_severe_known) AS out_severe_known, sum(x.out_days_sum) AS out_days_sum
    FROM grid g
    JOIN steps x ON x.customer_id = g.customer_id AND x.as_of <= g.as_of
    GROUP BY g.customer_id, g.as_of
),
feat AS (
    SELECT g.customer_id, g.as_of, g.as_of_n,
           coalesce(l.open_amount, 0) AS open_amount,
           coalesce(l.overdue_amount, 0) AS overdue_amount,
           coalesce(l.n_open, 0) AS n_open,
           coalesce(l.n_overdue, 0) AS n_overdue,
           coalesce(l.oldest_overdue_days, 0) AS oldest_overdue_days,
           coalesce(l.n_disputed, 0) + coalesce(s.n_disputed, 0) AS n_disputed,
           coalesce(l.disputed_open_amount, 0) AS disputed_open_amount,
           coalesce(l.dbt_num, 0) + coalesce(s.dbt_num, 0) AS dbt_num,
           coalesce(l.dbt_den, 0) + coalesce(s.dbt_den, 0) AS dbt_den,
           coalesce(l.n_dbt_all, 0) + coalesce(s.n_dbt_all, 0) AS n_dbt_all,
           coalesce(l.dbt_num_90, 0) + coalesce(s.dbt_num_90, 0) AS dbt_num_90,
           coalesce(l.dbt_den_90, 0) + coalesce(s.dbt_den_90, 0) AS dbt_den_90,
           coalesce(l.n_dbt_90, 0) + coalesce(s.n_dbt_90, 0) AS n_dbt_90,
           coalesce(l.dbt_num_365, 0) + coalesce(s.dbt_num_365, 0) AS dbt_num_365,
           coalesce(l.dbt_den_365, 0) + coalesce(s.dbt_den_365, 0) AS dbt_den_365,
           coalesce(l.n_dbt_365, 0) + coalesce(s.n_dbt_365, 0) AS n_dbt_365,
           -- x = as_of - due_date over the settled invoices, from the sums
           -- of n, due_n and due_n squared
           coalesce(l.sx, 0) + coalesce(g.as_of_n * s.n_dbt_365 - s.s_due, 0) AS sx,
           coalesce(l.sxx, 0) + coalesce(g.as_of_n * g.as_of_n * s.n_dbt_365 - 2 * g.as_of_n * s.s_due + s.s_due2, 0) AS sxx,
           coalesce(l.sy, 0) + coalesce(s.sy, 0) AS sy,
           coalesce(l.syy, 0) + coalesce(s.syy, 0) AS syy,
           coalesce(l.sxy, 0) + coalesce(g.as_of_n * s.sy - s.s_due_y, 0) AS sxy,
           coalesce(l.n_late, 0) + coalesce(s.n_late, 0) AS n_late,
           coalesce(l.n_very_late, 0) + coalesce(s.n_very_late, 0) AS n_very_late,
           coalesce(l.n_very_late_known, 0) + coalesce(s.n_very_late_known, 0) AS n_very_late_known,
           coalesce(l.n_very_late_365, 0) + coalesce(s.n_very_late_365, 0) AS n_very_late_365,
           coalesce(l.n_very_late_known_365, 0) + coalesce(s.n_very_late_known_365, 0) AS n_very_late_known_365,
           coalesce(l.n_late_180, 0) + coalesce(s.n_late_180, 0) AS n_late_180,
           coalesce(l.n_late_known_180, 0) + coalesce(s.n_late_known_180, 0) AS n_late_known_180,
           coalesce(l.n_partial, 0) + coalesce(s.n_partial, 0) AS n_partial,
           coalesce(l.allocated, 0) + coalesce(s.allocated, 0) AS allocated
    FROM grid g
    LEFT JOIN live_agg l ON l.customer_id = g.customer_id AND l.as_of = g.as_of
    LEFT JOIN run s ON s.customer_id = g.customer_id AND s.as_of = g.as_of
)
SELECT c.customer_id, g.as_of, c.name, c.segment, c.kind, c.payment_terms_days, c.credit_limit,
       coalesce(r.n_invoices, 0)            AS n_invoices,
       coalesce(r.n_credit_notes, 0)        AS n_credit_notes,
       coalesce(r.credit_note_amount, 0)    AS credit_note_amount,
       CASE WHEN r.n_all > 0 THEN fi.first_invoice END AS first_invoice,
       r.last_invoice,
       coalesce(r.sales_3m, 0)              AS sales_3m,
       coalesce(r.sales_12m, 0)             AS sales_12m,
       coalesce(CASE WHEN r.n_invoices > 0 THEN CAST(r.invoiced AS DOUBLE) / r.n_invoices END, 0) AS usual_amount,
       f.open_amount, f.overdue_amount, f.n_open, f.n_overdue, f.oldest_overdue_days,
       f.n_disputed, f.disputed_open_amount,
       -- Amounts times days are summed exactly (DECIMAL and integers),
       -- so that the figures do not depend on the order of summation.
       coalesce(CASE WHEN f.n_dbt_all > 0 THEN CAST(f.dbt_num AS DOUBLE) / CAST(f.dbt_den AS DOUBLE) END, 0) AS dbt_all,
       f.n_dbt_all,
       coalesce(CASE WHEN f.n_dbt_90 > 0 THEN CAST(f.dbt_num_90 AS DOUBLE) / CAST(f.dbt_den_90 AS DOUBLE) END, 0) AS dbt_90,
       f.n_dbt_90,
       coalesce(CASE WHEN f.n_dbt_365 > 0 THEN CAST(f.dbt_num_365 AS DOUBLE) / CAST(f.dbt_den_365 AS DOUBLE) END, 0) AS dbt_365,
       f.n_dbt_365,
       -- slope of days late against due date, per 30 days (x counts back)
       coalesce(CASE WHEN f.n_dbt_365 >= 2 AND f.n_dbt_365 * f.sxx - f.sx * f.sx > 0
                     THEN -30 * CAST(f.n_dbt_365 * f.sxy - f.sx * f.sy AS DOUBLE)
                          / CAST(f.n_dbt_365 * f.sxx - f.sx * f.sx AS DOUBLE) END, 0) AS dbt_trend,
       coalesce(CASE WHEN f.n_dbt_365 >= 2
                     THEN sqrt(greatest(CAST(f.n_dbt_365 * f.syy - f.sy * f.sy AS DOUBLE), 0)
                               / (f.n_dbt_365 * (f.n_dbt_365 - 1))) END, 0)   AS dbt_volatility,
       f.n_late,
       f.n_dbt_all                          AS n_late_known,
       f.n_very_late, f.n_very_late_known, f.n_very_late_365, f.n_very_late_known_365,
       f.n_late_180, f.n_late_known_180, f.n_partial,
       coalesce(r.n_payments, 0)            AS n_payments,
       coalesce(r.n_reversals, 0)           AS n_reversals,
       r.last_payment,
       coalesce(r.paid, 0) + coalesce(r.credit_note_amount, 0) - f.allocated AS unapplied_credit,
       coalesce(r.out_n, 0)                 AS out_n,
       coalesce(r.out_late, 0)              AS out_late,
       coalesce(r.out_late_known, 0)        AS out_late_known,
       coalesce(r.out_severe, 0)            AS out_severe,
       coalesce(r.out_severe_known, 0)      AS out_severe_known,
       coalesce(r.out_days_sum, 0)          AS out_days_sum,
       coalesce(r.out_severe_known, 0)      AS out_days_known
FROM grid g
JOIN cust c ON c.customer_id = g.customer_id
JOIN feat f ON f.customer_id = g.customer_id AND f.as_of = g.as_of
JOIN run r ON r.customer_id = g.customer_id AND r.as_of = g.as_of
LEFT JOIN first_invoice fi ON fi.customer_id = g.customer_id
WHERE CAST($5 AS INTEGER) = 0 OR r.out_n > 0
ORDER BY g.customer_id, g.as_of;
