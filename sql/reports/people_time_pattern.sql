-- Report: people_time_pattern -- when each person tends to go missing.
-- Grain: one row per (person_key, day_of_week, hour_band) with any episode.
-- Inputs: episode_facts() (sql/marts/episode_facts.sql: went_missing_at).
-- Parameters:
--   $person_keys  the persons to describe (list of person_key)
--   $up_to        only episodes reported before this instant (exclusive)
-- The time of going missing: went_missing_at of the facts layer (London local time).
-- day_number: 1 = Monday .. 7 = Sunday; hour_band: '00-02' covers 00:00-02:59, and so on.
select
    person_key,
    isodow(went_missing_at)                                           as day_number,
    strftime(went_missing_at, '%a')                                   as day_of_week,
    lpad((hour(went_missing_at) // 3 * 3)::varchar, 2, '0') || '-'
        || lpad((hour(went_missing_at) // 3 * 3 + 2)::varchar, 2, '0') as hour_band,
    count(*)                                                          as episodes
from episode_facts()
where list_contains($person_keys, person_key)
  and reported_at < $up_to
group by all
order by person_key, day_number, hour_band;
