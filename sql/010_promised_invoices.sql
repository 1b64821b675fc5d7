-- Promises to pay per invoice, shared by the worklist (dunning_customers.sql)
-- and the claim (claim_invoices.sql), so that both take the same invoices off
-- the ladder. See package dunning.

-- counting_promise(as_of, grace) is each customer's promise to pay that
-- counts on as_of: of the promises to pay and the arrangements without
-- instalments made on or before as_of, the one with the latest promised
-- date; paid is what the customer paid from its action date up to as_of or
-- the end of its grace (promise_date + grace days), whichever comes first,
-- reversals subtracted.
CREATE MACRO counting_promise(as_of, grace) AS TABLE
WITH promise AS (
    SELECT customer_id, action_id, action_date, promise_date, amount, invoice_ids
    FROM dunning_actions
    WHERE action_date <= as_of
      AND type IN ('promise_to_pay', 'arrangement') AND promise_date IS NOT NULL
      AND action_id NOT IN (SELECT action_id FROM dunning_instalments)
    QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY promise_date DESC, action_date DESC, action_id DESC) = 1
),
paid AS (
    SELECT pr.customer_id, sum(pm.amount) AS paid
    FROM promise pr
    JOIN payments pm ON pm.customer_id = pr.customer_id
    WHERE pm.payment_date >= pr.action_date
      AND pm.payment_date <= least(as_of, pr.promise_date + CAST(grace AS INTEGER))
    GROUP BY pr.customer_id
)
SELECT pr.*, coalesce(pd.paid, 0) AS paid
FROM promise pr
LEFT JOIN paid pd ON pd.customer_id = pr.customer_id;

-- promise_cover(as_of, cur, grace) are the overdue invoices, in currency
-- cur, that the counting promise with an amount covers on as_of: of the
-- invoices it names that are still chased (open, overdue, not disputed), the
-- oldest (by due date, then id) whose open amounts add up to at most the
-- amount still to pay (the amount less paid). An invoice is covered whole or
-- not at all; the first that does not fit and all after it stay on the
-- ladder. Whether the promise still runs is not checked here.
CREATE MACRO promise_cover(as_of, cur, grace) AS TABLE
SELECT invoice_id, customer_id
FROM (
    SELECT o.invoice_id, o.customer_id,
           pr.amount - pr.paid AS to_pay,
           sum(o.open_amount) OVER (PARTITION BY o.customer_id ORDER BY o.due_date, o.invoice_id
                                    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running
    FROM counting_promise(as_of, grace) pr
    JOIN open_invoices(as_of, cur) o ON o.customer_id = pr.customer_id AND list_contains(pr.invoice_ids, o.invoice_id)
    WHERE pr.amount IS NOT NULL AND o.days_past_due > 0 AND NOT o.disputed
)
WHERE running <= to_pay;
