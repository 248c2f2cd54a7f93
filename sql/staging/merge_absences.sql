-- Merge a classified load (loaded and updated rows; stale rows go to history only) into absences, keeping earlier versions in absence_history.
-- Grain: one row per absence (absence_id).
-- Inputs: the macros and load_versions of staging/load_versions.sql (run first). Parameters: $load_id, $now.

insert into absence_history by name select * from superseded_versions($load_id, $now);
update absences set version_at = v.version_at from confirmed_versions() v where v.record_key = absences.absence_id;
insert into absence_history by name select * from stale_versions($load_id, $now);
insert into absences by name select * from versions_of('loaded');
insert or replace into absences by name select * from versions_of('updated');
