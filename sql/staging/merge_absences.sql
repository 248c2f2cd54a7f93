-- Merge a classified load (loaded and updated rows; stale rows go to history only) into absences, keeping earlier versions in absence_history.
-- Grain: one row per absence (absence_id).
-- Inputs: load_classified, person_keys. Parameters: $load_id, $now. Makes: load_versions (temp table).

insert into absence_history by name
select a.*, $load_id as superseded_by_load, $now as superseded_at, 'superseded' as history_status
from absences a
join load_classified c on c.record_key = a.absence_id and c.load_outcome = 'updated';

-- An unchanged row confirms the version held as of this extract's time.
update absences set version_at = c.version_at
from load_classified c
where c.record_key = absences.absence_id and c.load_outcome = 'unchanged'
  and (c.version_at > absences.version_at or absences.version_at is null);

insert into person_identity
select distinct k.person_key, k.person_id
from person_keys k
where k.person_key not in (select person_key from person_identity);

-- This load's versions with their person keys.
create or replace temp table load_versions as
select
    c.absence_id, k.person_key, c.site_ref, c.site_name, c.started_at, c.ended_at,
    c.reported_to_police, c.incident_id,
    c.record_hash, $load_id as first_load_id, $load_id as last_load_id,
    c.__file as source_file, c.__row as source_row, c.version_at,
    c.load_outcome
from load_classified c
join person_keys k on k.person_id = c.person_id
where c.load_outcome in ('loaded', 'updated', 'stale');

-- A stale row (older than the version held) goes to history as stale: never applied.
insert into absence_history by name
select * exclude (load_outcome), $load_id as superseded_by_load, $now as superseded_at, 'stale' as history_status
from load_versions
where load_outcome = 'stale';

insert into absences by name
select * exclude (load_outcome)
from load_versions
where load_outcome in ('loaded', 'updated')
on conflict (absence_id) do update set
    person_key = excluded.person_key,
    site_ref = excluded.site_ref,
    site_name = excluded.site_name,
    started_at = excluded.started_at,
    ended_at = excluded.ended_at,
    reported_to_police = excluded.reported_to_police,
    incident_id = excluded.incident_id,
    record_hash = excluded.record_hash,
    last_load_id = excluded.last_load_id,
    source_file = excluded.source_file,
    source_row = excluded.source_row,
    version_at = excluded.version_at;
