-- Report: people_out_of_area -- looked-after children placed out of area who went missing in the period:
-- both the placing authority and the host authority must be informed.
-- Grain: one row per episode (incident_id) in the period.
-- Inputs: episodes via episode_repeats() (sql/marts/episode_repeats.sql): lad_code and lad_name
--         of the go-missing point (episode_facts()) are the host authority, where the child is placed.
-- Parameters:
--   $period_start, $period_end  the period (half-open, London midnights), by reported_at
--   $window_days, $threshold    the repeat rule (for is_repeat)
-- Placing authority: placing_authority as recorded, else responsible_la (for a looked-after child
-- the authority responsible for them is the one that placed them).
-- Out of area: looked_after, under 18, a placing authority known, the go-missing point geocoded
-- to a LAD, and the placing authority is neither that LAD's code nor its name (case and spaces
-- ignored). Episodes without a geocoded go-missing LAD cannot be judged and are left out.
with in_period as (
    select *, lad_code as host_lad_code, lad_name as host_authority
    from episode_repeats($window_days, $threshold)
    where reported_at >= $period_start
      and reported_at < $period_end
),

judged as (
    select
        *,
        coalesce(nullif(trim(placing_authority), ''), nullif(trim(responsible_la), '')) as placing_used
    from in_period
    where looked_after
      and is_child
      and host_lad_code is not null
),

placed as (
    select *, upper(placing_used)                                      as placing_norm
    from judged
    where placing_used is not null
)

select
    incident_id,
    person_key,
    reported_at,
    found_at,
    placing_used                                                       as placing_authority,
    host_lad_code,
    host_authority,
    responsible_la,
    missing_from_type,
    age_at_report,
    is_repeat,
    reports_in_window
from placed
where placing_norm <> upper(host_lad_code)
  and placing_norm <> coalesce(upper(trim(host_authority)), '')
order by reported_at, incident_id;
