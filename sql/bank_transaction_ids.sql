-- bank_transaction_ids: the ids of the transactions stored for an account
-- booked in a period (account, first day, last day).
SELECT transaction_id FROM bank_transactions WHERE account = ? AND booking_date BETWEEN ? AND ?
