-- What the database already holds, for classifying and merging a load of absences.
-- Grain: one row per absence (record_key). Inputs: absences. Parameters: none.
-- Columns: record_key (the absence_id), then every column of absences (load_versions.sql reads them all).
create or replace temp view current_records as
select absence_id as record_key, * from absences;
