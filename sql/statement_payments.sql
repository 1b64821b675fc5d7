-- statement_payments: the payments that bank transactions booked, as the
-- text columns of a payments file, for the ingest to validate and merge
-- like one. The caller appends the WHERE clause that picks the
-- transactions. A payment for one invoice names it; a payment for a set of
-- invoices names them in its reference, where the allocation finds them; a
-- payment to the customer alone names none and is allocated oldest first.
-- The match's rule and confidence and the transaction's number are extra
-- columns, kept in the payment's attributes.
SELECT payment_id,
       customer_id,
       CASE WHEN invoice_ids IS NOT NULL AND NOT contains(invoice_ids, ' ') THEN invoice_ids END AS invoice_id,
       strftime(coalesce(value_date, booking_date), '%Y-%m-%d') AS payment_date,
       CAST(amount AS VARCHAR) AS amount,
       CASE
           WHEN amount < 0 THEN 'direct_debit'
           WHEN end_to_end_id IS NOT NULL AND structured_ref IS NULL AND contains(lower(remittance_text), 'incasso') THEN 'direct_debit'
           ELSE 'transfer'
       END AS method,
       CASE
           WHEN amount < 0 THEN trim('storno ' || coalesce(return_reason, ''))
           WHEN contains(invoice_ids, ' ') THEN invoice_ids
           WHEN invoice_ids IS NOT NULL THEN coalesce(structured_ref, remittance_text)
       END AS reference,
       rule AS match_rule,
       CAST(round(confidence, 2) AS VARCHAR) AS match_confidence,
       CAST(entry_no AS VARCHAR) AS bank_transaction
FROM bank_transactions
