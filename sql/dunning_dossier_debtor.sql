-- dunning_dossier_debtor is the debtor's record of a hand-over file. The
-- address comes from the customers file's extra column "address", if any.
-- Parameter: customer_id.
SELECT customer_id,
       coalesce(name, ''),
       kind,
       coalesce(json_extract_string(attributes, '$.address'), ''),
       coalesce(country, ''),
       coalesce(registration_id, ''),
       coalesce(email, ''),
       coalesce(phone, '')
FROM customers
WHERE customer_id = ?;
