-- Record one file of a load with its SHA-256, its extract time and its own reconciliation.
-- Grain: one row per file per load. Inputs: none.
-- Parameters: $load_id, $file, $sha256, $bytes, $extracted_at, $extracted_from, $rows_read,
--   $loaded, $updated, $unchanged, $stale, $quarantined, $duplicates.
insert into load_files (
    load_id, file, sha256, bytes, extracted_at, extracted_from,
    rows_read, loaded, updated, unchanged, stale, quarantined, duplicates
) values (
    $load_id, $file, $sha256, $bytes, $extracted_at, $extracted_from,
    $rows_read, $loaded, $updated, $unchanged, $stale, $quarantined, $duplicates
);
