-- page_visit_set: user $1 visited page $2 at $3.
INSERT INTO page_visits (user_name, page, visited_at) VALUES ($1, $2, $3)
ON CONFLICT (user_name, page) DO UPDATE SET visited_at = excluded.visited_at
