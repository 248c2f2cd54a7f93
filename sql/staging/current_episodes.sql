-- What the database already holds, for classifying and merging a load.
-- Grain: one row per episode (record_key). Inputs: episodes. Parameters: none.
-- Columns: record_key (the incident_id), then every column of episodes (load_versions.sql reads them all).
create or replace temp view current_records as
select incident_id as record_key, * from episodes;
