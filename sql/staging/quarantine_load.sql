-- Quarantine the invalid or conflicting rows of one file of a load, with every reason and the
-- row as read (under the file's own headers, as JSON; police-restricted like the database)
-- unless staging says not to keep it (keep_raw: a weeded episode is not kept again).
-- Grain: one row per quarantined input row.
-- Inputs: load_classified, source_rows (the file as read, with __row).
-- Parameters: $load_id, $record_type, $file, $sha256.
-- A row already quarantined from the same file content (same SHA-256) is not added again.
insert into quarantine
select $load_id, $record_type, c.__file, $sha256, c.__row, c.record_key, c.all_reasons,
       case when c.keep_raw then j.raw end
from load_classified c
left join (
    -- only the quarantined rows are turned into JSON (not the whole file)
    select s.__row, to_json(s) as raw
    from source_rows s
    where s.__row in (select __row from load_classified where load_outcome = 'quarantined' and __file = $file)
) j on j.__row = c.__row
where c.load_outcome = 'quarantined' and c.__file = $file
  and not exists (
      select 1 from quarantine q
      where q.file_sha256 = $sha256 and q.row_number = c.__row and q.record_type = $record_type
  );
