-- match_letter_references: the payment references of the dunning letters
-- that were sent (see package outbox), with their customer and the
-- invoices they chased (JSON array, oldest due first), for matching bank
-- credits that quote them.
SELECT reference, customer_id, CAST(to_json(invoice_ids) AS VARCHAR)
FROM dunning_letters
WHERE status = 'sent'
ORDER BY letter_id
