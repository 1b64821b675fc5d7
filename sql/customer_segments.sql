-- customer_segments: every customer's segment ('' when none); the worklist
-- page filters by it.
SELECT DISTINCT ON (customer_id) customer_id, coalesce(segment, '') FROM customers
