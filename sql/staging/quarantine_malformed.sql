-- Quarantine the rows a file reader could not split into the header's columns.
-- Grain: one row per malformed input row. Inputs: malformed_rows (row_number, reason, text JSON).
-- Parameters: $load_id, $record_type, $file, $sha256 (a row already held from the same file content is skipped).
insert into quarantine
select $load_id, $record_type, $file, $sha256, m.row_number, null, [m.reason], m.text::json
from malformed_rows m
where not exists (
    select 1 from quarantine q
    where q.file_sha256 = $sha256 and q.row_number = m.row_number and q.record_type = $record_type
);
