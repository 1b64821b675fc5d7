-- dunning_letter_get: one letter ($1 letter_id): customer, step, form, sent
-- by, letter date, the invoice ids as a JSON array, status, message id.
SELECT customer_id, step, form, sent_by, letter_date, CAST(to_json(invoice_ids) AS VARCHAR), status, coalesce(message_id, '')
FROM dunning_letters
WHERE letter_id = $1
