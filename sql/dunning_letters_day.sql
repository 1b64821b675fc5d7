-- dunning_letters_day: the letters recorded for a letter date ($1), with
-- what became of them, for package outbox to send each letter once.
SELECT letter_id, customer_id, step, sent_by, to_address, status, attempts,
       coalesce(last_error, ''), coalesce(message_id, '')
FROM dunning_letters
WHERE letter_date = CAST($1 AS DATE)
ORDER BY letter_id
