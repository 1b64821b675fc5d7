-- customer_segments: every customer's segment and owner ('' when none); the
-- worklist page filters by them. The owner is the collector who handles the
-- customer: the customer attribute collector, else account_manager.
SELECT DISTINCT ON (customer_id) customer_id, coalesce(segment, ''),
       coalesce(nullif(trim(json_extract_string(attributes, '$.collector')), ''),
                nullif(trim(json_extract_string(attributes, '$.account_manager')), ''), '')
FROM customers
