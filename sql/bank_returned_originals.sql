-- bank_returned_originals: the matched collections whose end-to-end ids
-- the returns of a statement carry (listed in the temporary table
-- stmt_e2e), with the customer and invoices they were booked to.
SELECT end_to_end_id, customer_id, coalesce(invoice_ids, '')
FROM bank_transactions WHERE status = 'matched' AND amount > 0 AND end_to_end_id IN (SELECT end_to_end_id FROM stmt_e2e)
ORDER BY entry_no
