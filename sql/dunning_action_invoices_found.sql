-- dunning_action_invoices_found: how many of the invoices an action names
-- are invoices of its customer (customer_id, the ids as a JSON array).
SELECT count(DISTINCT invoice_id) FROM invoices
WHERE customer_id = ? AND invoice_id IN (SELECT unnest(from_json(CAST(? AS JSON), '["VARCHAR"]')))
