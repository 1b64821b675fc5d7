-- today_bank_waiting: what waits in the unmatched queue now: the credits in
-- currency $1 (count, total, oldest booking date), the returns nobody could
-- place, and the credits in other currencies.
SELECT count(*) FILTER (WHERE amount > 0 AND currency = $1),
       coalesce(sum(amount) FILTER (WHERE amount > 0 AND currency = $1), 0),
       min(booking_date) FILTER (WHERE amount > 0 AND currency = $1),
       count(*) FILTER (WHERE amount <= 0),
       count(*) FILTER (WHERE amount > 0 AND currency <> $1)
FROM bank_transactions WHERE status = 'unmatched'
