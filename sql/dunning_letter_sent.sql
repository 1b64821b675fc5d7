-- dunning_letter_sent: the letter ($1 letter_id) went out at $2 with
-- message id $3 (empty: keep the one recorded, if any); $4 is the dunning
-- action that records the step taken.
UPDATE dunning_letters
SET status = 'sent', sent_at = $2, message_id = coalesce(nullif($3, ''), message_id), action_id = $4, last_error = NULL
WHERE letter_id = $1 AND status = 'sending'
