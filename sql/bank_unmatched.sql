-- bank_unmatched: a page (limit, offset) of the bank transactions that wait
-- to be matched by hand, oldest first.
SELECT entry_no, account, booking_date, amount, currency, coalesce(counter_name, ''), coalesce(counter_iban, ''),
       coalesce(structured_ref, ''), coalesce(remittance_text, ''), coalesce(return_reason, ''), file_name, reversal,
       coalesce(end_to_end_id, '')
FROM bank_transactions WHERE status = 'unmatched' ORDER BY booking_date, entry_no LIMIT ? OFFSET ?
