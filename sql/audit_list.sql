-- audit_list: a page of the audit log, the newest first. $1 is an action
-- ('' for all), $2 a text looked for in the actor and the detail regardless
-- of case ('' for all), $3 and $4 the first and last moment (NULL for
-- open), $5 the page's size and $6 the lines to skip. audit_count counts
-- what the same filter selects.
SELECT audit_id, logged_at, actor, action, coalesce(CAST(detail AS VARCHAR), '') AS detail
FROM audit_log
WHERE ($1 = '' OR action = $1)
  AND ($2 = '' OR contains(lower(actor), lower($2)) OR contains(lower(coalesce(CAST(detail AS VARCHAR), '')), lower($2)))
  AND ($3::TIMESTAMP IS NULL OR logged_at >= $3::TIMESTAMP)
  AND ($4::TIMESTAMP IS NULL OR logged_at <= $4::TIMESTAMP)
ORDER BY logged_at DESC, audit_id DESC
LIMIT $5 OFFSET $6
