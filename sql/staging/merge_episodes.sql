-- Merge a classified load (loaded and updated rows; stale rows go to history only) into episodes, keeping every earlier version in episode_history.
-- Grain: one row per episode (incident_id).
-- Inputs: the macros and load_versions of staging/load_versions.sql (run first). Parameters: $load_id, $now.

insert into episode_history by name select * from superseded_versions($load_id, $now);
update episodes set version_at = v.version_at from confirmed_versions() v where v.record_key = episodes.incident_id;
insert into episode_history by name select * from stale_versions($load_id, $now);
insert into episodes by name select * from versions_of('loaded');
insert or replace into episodes by name select * from versions_of('updated');
