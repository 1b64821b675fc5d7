-- customer_owners: every customer with an owner, the account manager of
-- the customers file (customer attribute account_manager), trimmed.
SELECT DISTINCT ON (customer_id) customer_id, trim(json_extract_string(attributes, '$.account_manager')) AS owner
FROM customers
WHERE coalesce(trim(json_extract_string(attributes, '$.account_manager')), '') <> ''
