-- bank_match_by_hand: books a bank transaction as a person matched it
-- (status, payment_id, customer_id, invoice ids or NULL, matched by, entry_no).
UPDATE bank_transactions SET status = ?, payment_id = ?, customer_id = ?, invoice_ids = ?,
       rule = 'manual', confidence = 1, matched_by = ? WHERE entry_no = ?
