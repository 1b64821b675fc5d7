-- dunning_action_overdue: the overdue amount of the invoices an arrangement
-- covers, on its action date (action date, customer_id, the ids as a JSON
-- array).
SELECT coalesce(sum(open_amount), 0) FROM open_invoices(CAST(? AS DATE), report_currency())
WHERE customer_id = ? AND days_past_due > 0
  AND invoice_id IN (SELECT unnest(from_json(CAST(? AS JSON), '["VARCHAR"]')))
