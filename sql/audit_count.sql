-- audit_count: the number of audit lines the filter of audit_list selects
-- ($1 action, $2 text, $3 and $4 the first and last moment).
SELECT count(*)
FROM audit_log
WHERE ($1 = '' OR action = $1)
  AND ($2 = '' OR contains(lower(actor), lower($2)) OR contains(lower(coalesce(CAST(detail AS VARCHAR), '')), lower($2)))
  AND ($3::TIMESTAMP IS NULL OR logged_at >= $3::TIMESTAMP)
  AND ($4::TIMESTAMP IS NULL OR logged_at <= $4::TIMESTAMP)
