-- Report: people_open_episodes -- episodes open at a moment, most serious first (police oversight).
-- Grain: one row per episode (incident_id) reported by $as_of and not found by then.
-- Inputs: episodes via episode_repeats() (sql/marts/episode_repeats.sql).
-- Parameters:
--   $as_of                      the moment (TIMESTAMPTZ)
--   $notify_hours               UKMPU notification limit (settings.safeguarding.ukmpu_notify_hours, 72)
--   $window_days, $threshold    the repeat rule (for is_repeat)
-- Open: open_at(reported_at, found_at, $as_of) (sql/macros/categories.sql): reported before the
-- moment and not found before it.
-- Order: highest grade (risk or risk_highest) first, then longest open.
select
    incident_id,
    person_key,
    reported_at,
    round((epoch($as_of) - epoch(reported_at)) / 3600.0, 1)            as hours_since_report,
    (epoch($as_of) - epoch(reported_at)) / 3600.0 > $notify_hours       as over_notify_limit,
    risk,
    highest_risk,
    age_at_report,
    is_child,
    coalesce(looked_after, false)                                      as looked_after,
    flags,
    missing_from_type,
    responsible_la,
    is_repeat,
    reports_in_window
from episode_repeats($window_days, $threshold)
where open_at(reported_at, found_at, $as_of)
order by risk_rank(highest_risk) desc, reported_at, incident_id;
