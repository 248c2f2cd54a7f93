-- Report: rhi_themes -- themes recorded from return home interviews.
-- Grain: one row per (theme, child_adult, looked_after) with incidents.
-- Inputs: episode_facts() (sql/marts/episode_facts.sql; rhi_themes: ';'-separated codes, validated at ingest).
-- Parameters: $period_start, $period_end (window on reported_at, half-open, London time).
-- An episode counts once under each theme it carries; looked_after: yes, no, not_recorded.
-- Free text (reason) stays police-only and is not read here.
with themed as (
    select person_key, incident_id, child_adult, looked_after_category as looked_after,
           unnest(string_split(rhi_themes, ';')) as theme
    from episode_facts()
    where reported_at >= $period_start
      and reported_at < $period_end
      and rhi_themes is not null
)

select
    theme,
    child_adult,
    looked_after,
    count(distinct incident_id)         as incidents,
    count(distinct person_key)          as individuals
from themed
group by theme, child_adult, looked_after
order by list_position(rhi_theme_codes(), theme), list_position(child_adult_groups(), child_adult),
         looked_after
