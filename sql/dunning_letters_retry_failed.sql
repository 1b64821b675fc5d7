-- dunning_letters_retry_failed: puts the failed letters of a letter date
-- ($1) back in the queue, for a run asked to try them again.
UPDATE dunning_letters SET status = 'queued' WHERE letter_date = CAST($1 AS DATE) AND status = 'failed'
