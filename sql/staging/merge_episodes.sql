-- Merge a classified load (loaded and updated rows; stale rows go to history only) into episodes, keeping every earlier version in episode_history.
-- Grain: one row per episode (incident_id).
-- Inputs: load_classified (outcome loaded/updated rows carry typed values),
--         person_keys (person_id -> person_key, the keyed hash).
-- Parameters: $load_id, $now. Makes: load_versions (temp table).

insert into episode_history by name
select e.*, $load_id as superseded_by_load, $now as superseded_at, 'superseded' as history_status
from episodes e
join load_classified c on c.record_key = e.incident_id and c.load_outcome = 'updated';

-- An unchanged row confirms the version held as of this extract's time.
update episodes set version_at = c.version_at
from load_classified c
where c.record_key = episodes.incident_id and c.load_outcome = 'unchanged'
  and (c.version_at > episodes.version_at or episodes.version_at is null);

insert into person_identity
select distinct k.person_key, k.person_id
from person_keys k
where k.person_key not in (select person_key from person_identity);

-- This load's versions with their person keys.
create or replace temp table load_versions as
select
    c.incident_id, k.person_key, c.reported_at, c.last_seen_at, c.found_at, c.date_of_birth,
    c.age_at_report, c.gender, c.ethnicity, c.risk, c.risk_highest, c.missing_from_type,
    c.missing_from_address, c.missing_from_postcode, c.missing_from_easting, c.missing_from_northing,
    c.found_address, c.found_postcode, c.found_easting, c.found_northing, c.found_by, c.outcome,
    c.flag_cse, c.flag_cce, c.flag_trafficking, c.flag_mental_health, c.flag_suicidal,
    c.flag_dementia, c.flag_learning_disability, c.looked_after, c.placing_authority,
    c.responsible_la, c.return_interview_offered_at, c.return_interview_done_at, c.calls,
    c.site_ref, c.reason,
    c.record_hash, $load_id as first_load_id, $load_id as last_load_id,
    c.__file as source_file, c.__row as source_row, c.version_at,
    c.load_outcome
from load_classified c
join person_keys k on k.person_id = c.person_id
where c.load_outcome in ('loaded', 'updated', 'stale');

-- A stale row (older than the version held) goes to history as stale: never applied.
insert into episode_history by name
select * exclude (load_outcome), $load_id as superseded_by_load, $now as superseded_at, 'stale' as history_status
from load_versions
where load_outcome = 'stale';

insert into episodes by name
select * exclude (load_outcome)
from load_versions
where load_outcome in ('loaded', 'updated')
on conflict (incident_id) do update set
    person_key = excluded.person_key,
    reported_at = excluded.reported_at,
    last_seen_at = excluded.last_seen_at,
    found_at = excluded.found_at,
    date_of_birth = excluded.date_of_birth,
    age_at_report = excluded.age_at_report,
    gender = excluded.gender,
    ethnicity = excluded.ethnicity,
    risk = excluded.risk,
    risk_highest = excluded.risk_highest,
    missing_from_type = excluded.missing_from_type,
    missing_from_address = excluded.missing_from_address,
    missing_from_postcode = excluded.missing_from_postcode,
    missing_from_easting = excluded.missing_from_easting,
    missing_from_northing = excluded.missing_from_northing,
    found_address = excluded.found_address,
    found_postcode = excluded.found_postcode,
    found_easting = excluded.found_easting,
    found_northing = excluded.found_northing,
    found_by = excluded.found_by,
    outcome = excluded.outcome,
    flag_cse = excluded.flag_cse,
    flag_cce = excluded.flag_cce,
    flag_trafficking = excluded.flag_trafficking,
    flag_mental_health = excluded.flag_mental_health,
    flag_suicidal = excluded.flag_suicidal,
    flag_dementia = excluded.flag_dementia,
    flag_learning_disability = excluded.flag_learning_disability,
    looked_after = excluded.looked_after,
    placing_authority = excluded.placing_authority,
    responsible_la = excluded.responsible_la,
    return_interview_offered_at = excluded.return_interview_offered_at,
    return_interview_done_at = excluded.return_interview_done_at,
    calls = excluded.calls,
    site_ref = excluded.site_ref,
    reason = excluded.reason,
    record_hash = excluded.record_hash,
    last_load_id = excluded.last_load_id,
    source_file = excluded.source_file,
    source_row = excluded.source_row,
    version_at = excluded.version_at;
