-- bank_unmatched_count: how many bank transactions wait to be matched by hand.
SELECT count(*) FROM bank_transactions WHERE status = 'unmatched'
