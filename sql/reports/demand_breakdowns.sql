-- Report: who goes missing and how episodes go, as counts per category (long form).
-- Grain: one row per (dimension, category, child_adult) with at least one incident;
--        child_adult 'all' rows hold every incident of the category.
-- Inputs: episode_facts() (sql/marts/episode_facts.sql: every category is computed there).
-- Parameters: $period_start, $period_end (window on reported_at, half-open, London time).
-- Dimensions and categories (codes as DOMAIN.md and the UKMPU return):
--   age_band         0-11, 12-14, 15-17, 18-21, 22-39, 40-59, 60-79, 80+, unknown
--   gender           male, female, other, unknown
--   ethnic_group     white (IC1, IC2), black (IC3), asian (IC4), chinese_japanese_se_asian (IC5),
--                    middle_eastern (IC6), other_unknown (IC9 or none)
--   risk_initial     risk at the first assessment
--   risk_highest     the higher of risk and risk_highest
--   duration_band    0-8h, 8-24h, 24-48h, 2-7d, 7-28d, 28d-1y (365 days), over_1y; upper bounds
--                    inclusive, from reported_at to found_at; still_missing when not found
--   found_by         found_by code; not_recorded (found, none given); still_missing
--   outcome          outcome code; not_recorded; still_missing
--   missing_from_type  code; not_recorded
--   looked_after     yes, no, not_recorded
--   vulnerability    cse, cce, trafficking, mental_health, suicidal, dementia,
--                    learning_disability (an incident counts under every flag it has)
-- incidents: episodes; individuals: distinct persons among them; share_of_incidents:
-- incidents / all incidents of the child_adult group in the window.
with

in_window as (
    select *
    from episode_facts()
    where reported_at >= $period_start
      and reported_at < $period_end
),

classified as (
    select
        incident_id,
        person_key,
        -- the person ---------------------------------------------------------------
        child_adult,
        age_band,
        gender_group as gender,
        ethnic_group,
        -- risk -----------------------------------------------------------------------
        risk_initial,
        highest_risk as risk_highest,
        -- the episode ------------------------------------------------------------------
        duration_band,
        found_by_category as found_by,
        outcome_category as outcome,
        missing_from_category as missing_from_type,
        looked_after_category as looked_after,
        flag_list as flags
    from in_window
),

-- one row per incident per dimension it counts in
cells as (
    unpivot (
        select incident_id, person_key, child_adult, age_band, gender, ethnic_group, risk_initial,
               risk_highest, duration_band, found_by, outcome, missing_from_type, looked_after
        from classified
    )
    on age_band, gender, ethnic_group, risk_initial, risk_highest, duration_band, found_by, outcome,
       missing_from_type, looked_after
    into name dimension value category
    union all
    select incident_id, person_key, child_adult, 'vulnerability' as dimension, unnest(flags) as category
    from classified
),

group_totals as (
    select coalesce(child_adult, 'all') as child_adult, count(*) as group_incidents
    from classified
    group by grouping sets ((child_adult), ())
),

counted as (
    select
        dimension,
        category,
        coalesce(child_adult, 'all') as child_adult,
        count(*) as incidents,
        count(distinct person_key) as individuals
    from cells
    group by grouping sets ((dimension, category, child_adult), (dimension, category))
)

select
    c.dimension,
    c.category,
    c.child_adult,
    c.incidents,
    c.individuals,
    round(c.incidents / t.group_incidents, 4) as share_of_incidents
from counted c
join group_totals t using (child_adult)
order by c.dimension, c.child_adult, c.category
