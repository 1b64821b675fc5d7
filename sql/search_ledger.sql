-- search_ledger: the invoices, payments and bank transactions that match
-- what a person typed in the search box, at most $4 of each kind, best
-- first. The caller passes what was typed in three forms:
--   $1 upper case, trimmed: compared with invoice numbers, payment ids and
--      end-to-end ids ("INV-2026-0120");
--   $2 lower case, without accents, runs of spaces as one: compared with
--      references and remittance texts, also lower case and without accents;
--   $3 an IBAN's letters and digits only, upper case, or '' when it cannot
--      be (part of) an IBAN: compared with the payer's account of a bank
--      credit waiting to be matched.
-- rank: 0 the whole text, 1 its start, 2 the start of a word, 3 within.
-- Invoice numbers are searched from 3 characters with a digit among them,
-- references from 4 characters (payment ids and end-to-end ids whole from 3):
-- fewer letters find every payment, and cost a scan of them all.
-- Bank transactions are found by what their booked payment does not show:
-- their end-to-end id, or, while they wait to be matched (and have no
-- payment), their reference, payer and IBAN. A transaction whose payment is
-- found is not found twice. queue_pos is the place of a waiting one in the
-- unmatched queue, from 0, in that queue's order; payer the name of its
-- payer.
WITH invoice_hits AS (
    SELECT 'invoice' AS kind,
           CASE WHEN upper(i.invoice_id) = $1 THEN 0 WHEN starts_with(upper(i.invoice_id), $1) THEN 1 ELSE 3 END AS rank,
           i.customer_id, i.invoice_id AS key, i.invoice_id, i.invoice_date AS day, i.amount, i.currency,
           CAST(s.closed_from AS VARCHAR) AS extra, NULL::BIGINT AS entry_no, NULL::BIGINT AS queue_pos, NULL::VARCHAR AS payer
    FROM invoices i
    LEFT JOIN invoice_settlement s ON s.invoice_id = i.invoice_id
    WHERE length($1) >= 3 AND regexp_matches($1, '[0-9]') AND contains(upper(i.invoice_id), $1)
),
payment_hits AS (
    SELECT y.payment_id, y.customer_id, y.invoice_id, y.payment_date, y.amount,
           coalesce(nullif(trim(y.reference), ''), y.payment_id) AS key,
           CASE WHEN upper(y.payment_id) = $1 OR y.ref = $2 THEN 0
                WHEN starts_with(y.ref, $2) THEN 1
                WHEN contains(' ' || y.ref, ' ' || $2) THEN 2
                ELSE 3 END AS rank
    FROM (SELECT *, strip_accents(lower(coalesce(reference, ''))) AS ref FROM payments) y
    WHERE upper(y.payment_id) = $1 OR (length($2) >= 4 AND contains(y.ref, $2))
),
queue AS (
    SELECT entry_no, row_number() OVER (ORDER BY booking_date, entry_no) - 1 AS pos
    FROM bank_transactions WHERE status = 'unmatched'
),
bank_hits AS (
    SELECT 'bank_transaction' AS kind,
           CASE WHEN upper(b.end_to_end_id) = $1 OR upper(b.structured_ref) = $1 OR b.text = $2 OR b.iban = $3 THEN 0
                WHEN starts_with(upper(b.end_to_end_id), $1) OR starts_with(b.text, $2) OR ($3 <> '' AND starts_with(b.iban, $3)) THEN 1
                WHEN contains(' ' || b.text, ' ' || $2) THEN 2
                ELSE 3 END AS rank,
           b.customer_id,
           coalesce(nullif(trim(concat_ws(' ', b.structured_ref, b.remittance_text)), ''), b.end_to_end_id, '') AS key,
           nullif(split_part(coalesce(b.invoice_ids, ''), ' ', 1), '') AS invoice_id, b.booking_date AS day, b.amount, b.currency,
           b.status AS extra, b.entry_no, k.pos AS queue_pos, b.counter_name AS payer
    FROM (SELECT *, strip_accents(lower(concat_ws(' ', structured_ref, remittance_text, counter_name))) AS text,
                 upper(replace(coalesce(counter_iban, ''), ' ', '')) AS iban
          FROM bank_transactions WHERE status <> 'debit') b
    LEFT JOIN queue k ON k.entry_no = b.entry_no
    WHERE ((length($1) >= 3 AND contains(upper(coalesce(b.end_to_end_id, '')), $1))
           OR (b.status = 'unmatched' AND ((length($2) >= 4 AND contains(b.text, $2)) OR ($3 <> '' AND contains(b.iban, $3)))))
      AND (b.payment_id IS NULL OR b.payment_id NOT IN (SELECT payment_id FROM payment_hits))
),
hits AS (
    SELECT * FROM invoice_hits
    UNION ALL
    SELECT 'payment', rank, customer_id, key, invoice_id, payment_date, amount, NULL, payment_id, NULL, NULL, NULL FROM payment_hits
    UNION ALL
    SELECT * FROM bank_hits
),
best AS (
    SELECT *, row_number() OVER (PARTITION BY kind ORDER BY rank, CASE WHEN kind = 'invoice' THEN length(key) END, CASE WHEN kind = 'invoice' THEN key END,
                                                        day DESC, entry_no, key) AS nr
    FROM hits
)
-- A payment's amount is in the currency of its invoice; '' when it names none.
SELECT b.kind, b.rank, coalesce(b.customer_id, ''), coalesce(c.name, b.customer_id, ''), b.key, coalesce(b.invoice_id, ''),
       b.day, b.amount, coalesce(b.currency, i.currency, ''), coalesce(b.extra, ''), coalesce(b.entry_no, 0),
       coalesce(b.queue_pos, -1), coalesce(b.payer, '')
FROM best b
LEFT JOIN customers c ON c.customer_id = b.customer_id
LEFT JOIN invoices i ON b.kind = 'payment' AND i.invoice_id = b.invoice_id
WHERE b.nr <= $4
ORDER BY b.kind, b.nr
