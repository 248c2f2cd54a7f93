-- Remove what stage_plan.sql selected. Run inside the caller's transaction, after
-- log_weed.sql and set_weed_id.sql, so a weed is logged and applied as one unit.
-- Inputs: weed_params, weed_episodes, weed_absences, weed_persons, weed_locations.
-- Parameters: none.
-- Grain: changes episode_locations, weeded_episodes, quarantine, episode_history, episodes,
--        absence_history, absences, person_identity.

-- Locations past their horizon go, with what was kept to link them to a person.
delete from episode_locations
where incident_id in (select incident_id from weed_locations);

delete from weeded_episodes
where incident_id in (select incident_id from weed_locations);

-- Locations still needed stay; keep only the pseudonymised person and the resolved date.
insert or replace into weeded_episodes (incident_id, person_key, resolved_on, weed_id)
select w.incident_id, w.person_key, w.resolved_on, p.weed_id
from weed_episodes w, weed_params p
where w.keep_locations
  and w.incident_id in (select incident_id from episode_locations);

-- Raw quarantined rows of what goes.
delete from quarantine
where (record_type = 'episode'
       and trim(record_key) in (select incident_id from weed_episodes))
   or (record_type = 'absence'
       and trim(record_key) in (select absence_id from weed_absences));

delete from episode_history
where incident_id in (select incident_id from weed_episodes);

delete from episodes
where incident_id in (select incident_id from weed_episodes);

delete from absence_history
where absence_id in (select absence_id from weed_absences);

delete from absences
where absence_id in (select absence_id from weed_absences);

delete from person_identity
where person_key in (select person_key from weed_persons);
