-- ingest_run_insert: the record of one file loaded by an ingest run (run_id,
-- file name, sha256, kind, format, rows read, inserted and updated, started
-- and finished at).
INSERT INTO ingest_runs
    (run_id, file_name, sha256, kind, format, rows_read, rows_inserted, rows_updated, started_at, finished_at, outcome)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'ok')
