-- Report: people_intelligence_due -- people flagged for exploitation or trafficking in the period,
-- for whom an intelligence report is due (police oversight).
-- Grain: one row per person (person_key) with a flagged episode reported in the period.
-- Inputs: episodes via episode_repeats() (sql/marts/episode_repeats.sql).
-- Parameters:
--   $period_start, $period_end  the period (half-open, London midnights), by reported_at
--   $intelligence_flags         flag codes that call for an intelligence report
--                               (settings.safeguarding.intelligence_flags: cse, cce, trafficking)
--   $window_days, $threshold    the repeat rule (for is_repeat)
-- flags: the intelligence flags seen on the person's episodes in the period, in canonical order.
with flagged as (
    select *, list_filter(flag_list, lambda f: list_contains($intelligence_flags, f)) as intel_flags
    from episode_repeats($window_days, $threshold)
    where reported_at >= $period_start
      and reported_at < $period_end
)

select
    person_key,
    count(*)                                                            as flagged_episodes,
    array_to_string(canonical_flags(flatten(list(intel_flags))), ';')   as flags,
    min(reported_at)                                                    as first_flagged_at,
    max(reported_at)                                                    as last_flagged_at,
    max_risk(highest_risk)                                              as highest_risk,
    coalesce(bool_or(looked_after), false)                              as looked_after,
    coalesce(bool_or(is_child), false)                                  as any_child,
    bool_or(is_repeat)                                                  as is_repeat
from flagged
where len(intel_flags) > 0
group by person_key
order by last_flagged_at desc, person_key;
