-- ingest_file_seen: how many runs ingested a file with this sha256 (?) before.
SELECT count(*) FROM ingest_runs WHERE sha256 = ? AND outcome = 'ok'
