-- today_bank_booked: the incoming credits booked as payments with a
-- booking date from $1 to $2, newest and largest first. matched_by is who
-- booked one by hand ('' for the matcher).
SELECT t.entry_no, t.booking_date, t.amount, t.currency, coalesce(t.customer_id, ''),
       coalesce(c.name, t.customer_id, ''), coalesce(t.matched_by, '')
FROM bank_transactions t
LEFT JOIN (SELECT DISTINCT ON (customer_id) customer_id, name FROM customers) c ON c.customer_id = t.customer_id
WHERE t.status = 'matched' AND t.amount > 0 AND NOT t.reversal
  AND t.booking_date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)
ORDER BY t.booking_date DESC, t.amount DESC, t.entry_no
