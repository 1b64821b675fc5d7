-- page_visit_get: when user $1 last visited page $2 (no row: never).
SELECT visited_at FROM page_visits WHERE user_name = $1 AND page = $2
