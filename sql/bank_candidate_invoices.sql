-- bank_candidate_invoices: the dates, amounts and open amounts now of the
-- candidate invoices of the unmatched queue (their ids joined by chr(31)).
SELECT i.invoice_id, i.invoice_date, i.due_date, i.amount,
       i.amount - coalesce((SELECT sum(a.amount) FROM payment_allocations a WHERE a.invoice_id = i.invoice_id), 0)
FROM invoices i WHERE list_contains(string_split(?, chr(31)), i.invoice_id)
