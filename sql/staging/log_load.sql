-- Record one load and its reconciliation in the load log.
-- Grain: one row per load. Inputs: none.
-- Parameters: $load_id, $record_type, $started_at, $mapping, $files, $rows_read, $loaded,
--   $updated, $unchanged, $stale, $quarantined, $duplicates.
insert into load_log (
    load_id, record_type, started_at, finished_at, mapping, files,
    rows_read, loaded, updated, unchanged, stale, quarantined, duplicates, status
) values (
    $load_id, $record_type, $started_at, now(), $mapping, $files::varchar[],
    $rows_read, $loaded, $updated, $unchanged, $stale, $quarantined, $duplicates, 'committed'
);
