-- What the database already holds, for classifying a load of absences.
-- Grain: one row per absence. Inputs: absences. Parameters: none.
create or replace temp view current_records as
select absence_id as record_key, record_hash, version_at from absences;
