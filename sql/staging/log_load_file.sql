-- Record one file of a load with its SHA-256 and its own reconciliation.
-- Grain: one row per file per load. Inputs: none.
-- Parameters: $load_id, $file, $sha256, $bytes, $rows_read, $loaded, $updated, $unchanged,
--   $quarantined, $duplicates.
insert into load_files values (
    $load_id, $file, $sha256, $bytes, $rows_read, $loaded, $updated, $unchanged, $quarantined, $duplicates
);
