-- Quarantined rows for an analyst to fix: one row per quarantined input row, reasons joined.
-- Grain: one row per quarantined row. Inputs: quarantine.
-- Parameters: $load_id (null = every load).
select
    load_id, record_type, file, row_number, record_key,
    array_to_string(reasons, '; ') as reasons,
    raw::varchar as row_as_read
from quarantine
where $load_id is null or load_id = $load_id
order by load_id, file, row_number;
