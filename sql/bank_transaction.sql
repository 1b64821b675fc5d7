-- bank_transaction: one stored bank transaction and its status (entry_no).
SELECT account, transaction_id, booking_date, value_date, amount, currency, reversal,
       coalesce(return_reason, ''), coalesce(counter_name, ''), coalesce(counter_iban, ''), coalesce(end_to_end_id, ''),
       coalesce(structured_ref, ''), coalesce(remittance_text, ''), status
FROM bank_transactions WHERE entry_no = ?
