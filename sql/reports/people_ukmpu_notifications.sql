-- Report: people_ukmpu_notifications -- people missing over the notification limit (default 72 hours),
-- whom the force must notify to the UK Missing Persons Unit.
-- Grain: one row per episode (incident_id) whose notification fell due in the period, by $as_of.
-- Inputs: episodes.
-- Parameters:
--   $period_start, $period_end  the period (half-open, London midnights)
--   $as_of                      the moment of the list; nothing after it is known
--   $notify_hours               settings.safeguarding.ukmpu_notify_hours (72)
-- Due at reported_at + $notify_hours hours. Listed when that moment is in the period and before
-- $as_of, and the person was still missing then (found_at empty or later than it).
-- still_missing: not found by $as_of. hours_missing: to found_at, or to $as_of when still missing.
with due as (
    select *, reported_at + to_hours($notify_hours)                     as notify_due_at
    from episodes
)

select
    incident_id,
    person_key,
    reported_at,
    notify_due_at,
    case when found_at <= $as_of then found_at end                      as found_at,
    found_at is null or found_at > $as_of                               as still_missing,
    round((epoch(case when found_at <= $as_of then found_at else $as_of end) - epoch(reported_at)) / 3600.0, 1)
                                                                        as hours_missing,
    risk,
    risk_highest,
    age_at_report,
    coalesce(looked_after, false)                                       as looked_after,
    missing_from_type
from due
where notify_due_at >= $period_start
  and notify_due_at < $period_end
  and notify_due_at < $as_of
  and (found_at is null or found_at > notify_due_at)
order by notify_due_at, incident_id;
