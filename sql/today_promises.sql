-- today_promises: the counting promise to pay of each customer
-- (counting_promise, 010_promised_invoices.sql) on the as-of date $1 with
-- the grace of $2 days, when it falls due on $1 or fell due the day before.
-- A promise without an amount names its invoices: amount is what was open
-- of them on $1. Columns: action id, customer, name, made, promised date,
-- amount, has amount, paid, number of invoices, who recorded it.
WITH pr AS (
    SELECT * FROM counting_promise(CAST($1 AS DATE), $2)
    WHERE promise_date BETWEEN CAST($1 AS DATE) - 1 AND CAST($1 AS DATE)
),
named AS (
    SELECT pr.action_id, unnest(pr.invoice_ids) AS invoice_id FROM pr WHERE pr.amount IS NULL
),
open_named AS (
    SELECT n.action_id,
           sum(i.amount - coalesce((SELECT sum(a.amount) FROM payment_allocations a
                                    WHERE a.invoice_id = i.invoice_id AND a.allocated_on <= CAST($1 AS DATE)), 0)) AS open_amount
    FROM named n JOIN invoices i ON i.invoice_id = n.invoice_id
    GROUP BY n.action_id
)
SELECT pr.action_id, pr.customer_id, coalesce(c.name, pr.customer_id), pr.action_date, pr.promise_date,
       coalesce(pr.amount, greatest(o.open_amount, 0), 0), pr.amount IS NOT NULL, pr.paid,
       len(pr.invoice_ids), a.created_by
FROM pr
JOIN dunning_actions a ON a.action_id = pr.action_id
LEFT JOIN open_named o ON o.action_id = pr.action_id
LEFT JOIN (SELECT DISTINCT ON (customer_id) customer_id, name FROM customers) c ON c.customer_id = pr.customer_id
ORDER BY pr.promise_date DESC, coalesce(pr.amount, o.open_amount, 0) DESC, pr.customer_id
