-- Report: data quality -- returns recorded late.
-- Grain: one row per episode reported in the window whose return was recorded late.
-- Inputs: episodes, episode_history (earlier versions), load_log.
-- Parameters: $period_start, $period_end (window on reported_at), $tolerance_hours.
-- Late: a load made more than $tolerance_hours after the person was found (found_at as
-- now recorded) still carried the episode as open, i.e. an earlier version without
-- found_at was written by a load that started after the return. hours_late is measured
-- to the last such load. Stale versions (older extracts loaded late, never applied) do not count.
with

open_versions as (
    select h.incident_id, max(l.started_at) as still_open_in_load_at
    from episode_history h
    join load_log l on l.load_id = h.last_load_id
    where h.found_at is null
      and h.history_status is distinct from 'stale'  -- an older extract loaded late, never applied
    group by h.incident_id
)

select
    e.incident_id,
    e.person_key,
    e.reported_at,
    e.found_at,
    o.still_open_in_load_at,
    round((epoch(o.still_open_in_load_at) - epoch(e.found_at)) / 3600.0, 1) as hours_late
from episodes e
join open_versions o using (incident_id)
where e.reported_at >= $period_start
  and e.reported_at < $period_end
  and e.found_at is not null
  and epoch(o.still_open_in_load_at) - epoch(e.found_at) > $tolerance_hours * 3600
order by hours_late desc, e.incident_id
