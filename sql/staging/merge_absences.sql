-- Merge a classified load (loaded and updated rows; stale rows go to history only) into absences, keeping earlier versions in absence_history.
-- Grain: one row per absence (absence_id).
-- Inputs: load_classified, person_keys (staging/person_identity.sql runs first). Parameters: $load_id, $now. Makes: load_versions (temp table).

insert into absence_history by name
select a.*, $load_id as superseded_by_load, $now as superseded_at, 'superseded' as history_status
from absences a
join load_classified c on c.record_key = a.absence_id and c.load_outcome = 'updated';

-- An unchanged row confirms the version held as of this extract's time.
update absences set version_at = c.version_at
from load_classified c
where c.record_key = absences.absence_id and c.load_outcome = 'unchanged'
  and (c.version_at > absences.version_at or absences.version_at is null);

-- This load's versions with their person keys (an update keeps the first load that brought the record).
create or replace temp table load_versions as
select
    c.absence_id, k.person_key, c.site_ref, c.site_name, c.started_at, c.ended_at,
    c.reported_to_police, c.incident_id,
    c.record_hash, case c.load_outcome when 'updated' then held.first_load_id else $load_id end as first_load_id,
    $load_id as last_load_id,
    c.__file as source_file, c.__row as source_row, c.version_at,
    c.load_outcome
from load_classified c
join person_keys k on k.person_id = c.person_id
left join absences held on held.absence_id = c.record_key
where c.load_outcome in ('loaded', 'updated', 'stale');

-- A stale row (older than the version held) goes to history as stale: never applied.
insert into absence_history by name
select * exclude (load_outcome), $load_id as superseded_by_load, $now as superseded_at, 'stale' as history_status
from load_versions
where load_outcome = 'stale';

-- New records are inserted plainly (half the time of an upsert at a million rows); an updated
-- record replaces the version held, which went to history above.
insert into absences by name
select * exclude (load_outcome) from load_versions where load_outcome = 'loaded';

insert or replace into absences by name
select * exclude (load_outcome) from load_versions where load_outcome = 'updated';
