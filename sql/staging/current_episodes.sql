-- What the database already holds, for classifying a load.
-- Grain: one row per episode. Inputs: episodes. Parameters: none.
create or replace temp view current_records as
select incident_id as record_key, record_hash, version_at from episodes;
