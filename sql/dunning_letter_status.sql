-- dunning_letter_status: what became of an attempt that did not send the
-- letter ($1 letter_id): $2 status ('queued' to try again, 'failed' for
-- good), $3 the error.
UPDATE dunning_letters SET status = $2, last_error = $3 WHERE letter_id = $1
