-- dunning_letter_insert: a letter about to be sent (status 'sending', first
-- attempt): customer, step, form, sent by (email/print), letter date,
-- reference, to address, language, subject, principal, interest, costs and
-- total as text, the invoice ids as a JSON array, the e-mail's message id
-- (empty for print), created at. Returns its id.
INSERT INTO dunning_letters (customer_id, step, form, sent_by, letter_date, reference, to_address, language, subject,
        principal, interest, costs, total, invoice_ids, message_id, status, attempts, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,
        CAST(? AS DECIMAL(18,2)), CAST(? AS DECIMAL(18,2)), CAST(? AS DECIMAL(18,2)), CAST(? AS DECIMAL(18,2)),
        from_json(CAST(? AS JSON), '["VARCHAR"]'), nullif(?, ''), 'sending', 1, ?)
RETURNING letter_id
