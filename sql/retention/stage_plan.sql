-- What a weed removes, as temp tables; reads the database, changes nothing.
-- Inputs: weed_params (stage_params.sql), episodes, absences, person_identity, weeded_episodes.
-- Parameters: none (read from weed_params).
-- Grain: weed_episodes one row per episode weeded now; weed_absences one per absence;
--        weed_persons one per person whose raw reference goes; weed_locations one per
--        incident whose geocoded locations go.

-- Resolved episodes past review. found_at is null = unresolved = never weeded.
-- resolved_on is the Europe/London date (the session time zone).
create or replace temp table weed_episodes as
select
    e.incident_id,
    e.person_key,
    e.found_at,
    e.found_at::date                            as resolved_on,
    e.found_at::date >= p.locations_cutoff_day  as keep_locations
from episodes e, weed_params p
where e.found_at is not null
  and e.found_at < p.review_cutoff;

-- Ended absences past review, unless tied to an episode that stays. Open ones are kept.
create or replace temp table weed_absences as
select a.absence_id, a.person_key
from absences a, weed_params p
where a.ended_at is not null
  and a.ended_at < p.review_cutoff
  and (
      a.incident_id is null
      or a.incident_id in (select incident_id from weed_episodes)
      or a.incident_id not in (select incident_id from episodes)
  );

-- A raw person reference goes only when the person has no episode and no absence left.
create or replace temp table weed_persons as
select i.person_key
from person_identity i
where i.person_key in (
        select person_key from weed_episodes
        union
        select person_key from weed_absences
    )
  and not exists (
        select 1 from episodes e
        where e.person_key = i.person_key
          and e.incident_id not in (select incident_id from weed_episodes)
    )
  and not exists (
        select 1 from absences a
        where a.person_key = i.person_key
          and a.absence_id not in (select absence_id from weed_absences)
    );

-- Locations past keep_locations_years: of episodes weeded now, and of earlier weeds.
create or replace temp table weed_locations as
select incident_id from weed_episodes where not keep_locations
union
select w.incident_id
from weeded_episodes w, weed_params p
where w.resolved_on < p.locations_cutoff_day;
