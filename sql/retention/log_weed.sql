-- Record one weed in the weed log and return its id.
-- Grain: one row per weed. Inputs: weed_log.
-- Parameters: $run_at, $as_of, $policy (JSON text), the counts ($episodes ... $locations_removed),
--             $incident_ids, $incident_ids_sha256, $location_incident_ids.
insert into weed_log (
    weed_id, run_at, as_of, policy, episodes, episode_history, quarantine, absences,
    absence_history, person_identity, locations_kept, locations_removed, incident_ids,
    incident_ids_sha256, location_incident_ids
)
values (
    nextval('weed_id_seq'), $run_at, $as_of, $policy::json, $episodes, $episode_history,
    $quarantine, $absences, $absence_history, $person_identity, $locations_kept,
    $locations_removed, $incident_ids, $incident_ids_sha256, $location_incident_ids
)
returning weed_id;
