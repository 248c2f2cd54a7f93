-- Report: people_episode_repeats -- every episode with its repeat count.
-- Grain: one row per episode (incident_id).
-- Inputs: episodes via episode_repeats() (sql/marts/episode_repeats.sql).
-- Parameters: $window_days, $threshold (settings.repeat).
-- Free text (reason) and date of birth are left out: nothing downstream needs them.
select * exclude (reason, date_of_birth)
from episode_repeats($window_days, $threshold)
order by person_key, reported_at, incident_id;
