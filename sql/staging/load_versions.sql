-- What merging a classified load writes, for any record type (the type's merge_<type>.sql writes it
-- into its table and history table, which a statement can only name, never take as a value).
-- Grain: load_versions holds one row per loaded, updated or stale row of the load (record_key).
-- Inputs: load_classified, current_records (staging/current_<type>.sql: record_key and every
--         column of the record held), person_keys (staging/person_identity.sql runs first).
-- Parameters: $load_id. Makes: load_versions (temp table) and the temp table macros below.

-- This load's versions with their person keys: the typed columns of staged (person_id gives way to
-- person_key) and the lineage (an update keeps the first load that brought the record).
create or replace temp table load_versions as
select
    c.* exclude (__file, __row, __seq, record_key, reasons, keep_raw, fingerprint, all_reasons, person_id),
    k.person_key,
    case c.load_outcome when 'updated' then held.first_load_id else $load_id end as first_load_id,
    $load_id as last_load_id,
    c.__file as source_file, c.__row as source_row
from load_classified c
join person_keys k on k.person_id = c.person_id
left join current_records held on held.record_key = c.record_key
where c.load_outcome in ('loaded', 'updated', 'stale');

-- The versions held that this load's updated rows replace, for the history table.
create or replace temp macro superseded_versions(load_id, now) as table
select held.* exclude (record_key), load_id as superseded_by_load, now as superseded_at,
       'superseded' as history_status
from current_records held
join load_classified c on c.record_key = held.record_key and c.load_outcome = 'updated';

-- An unchanged row confirms the version held as of this extract's time (record_key, version_at).
create or replace temp macro confirmed_versions() as table
select c.record_key, c.version_at
from load_classified c
join current_records held on held.record_key = c.record_key
where c.load_outcome = 'unchanged' and (c.version_at > held.version_at or held.version_at is null);

-- A stale row (older than the version held) goes to history as stale: never applied.
create or replace temp macro stale_versions(load_id, now) as table
select * exclude (load_outcome), load_id as superseded_by_load, now as superseded_at, 'stale' as history_status
from load_versions
where load_outcome = 'stale';

-- The versions to write into the table, by outcome: 'loaded' records are inserted plainly (half
-- the time of an upsert at a million rows); an 'updated' record replaces the version held, which
-- went to history first (superseded_versions).
create or replace temp macro versions_of(outcome) as table
select * exclude (load_outcome) from load_versions where load_outcome = outcome;
