-- dunning_letter_claim: marks a queued letter ($1 letter_id) as being sent
-- again, counting the attempt; refreshes how it goes out ($2 sent_by, $3
-- to address, $4 the e-mail's message id, empty for print). Changes no row
-- unless the letter was queued.
UPDATE dunning_letters
SET status = 'sending', attempts = attempts + 1, sent_by = $2, to_address = $3, message_id = nullif($4, '')
WHERE letter_id = $1 AND status = 'queued'
