-- Report: people_usual_times -- the days and hours each person usually goes missing, in words.
-- Grain: one row per person (person_key) with any episode.
-- Inputs: episode_facts() (sql/marts/episode_facts.sql: went_missing_at).
-- Parameters:
--   $person_keys  the persons to describe (list of person_key)
--   $up_to        only episodes reported before this instant (exclusive)
-- usual_days: the two most frequent days of the week with their counts, e.g. 'Fri (4), Sat (3)';
-- usual_hours: the two most frequent three-hour bands, e.g. '21:00-23:59 (5), 18:00-20:59 (2)'.
-- Ties go to the earlier day (Monday first) or the earlier band. Time of going missing:
-- went_missing_at of the facts layer (London local time).
with times as (
    select person_key, went_missing_at
    from episode_facts()
    where list_contains($person_keys, person_key)
      and reported_at < $up_to
),

days as (
    select
        person_key,
        isodow(went_missing_at)                                       as day_number,
        strftime(went_missing_at, '%a')                               as day_name,
        count(*)                                                      as n
    from times
    group by person_key, day_number, day_name
    qualify row_number() over (partition by person_key order by n desc, day_number) <= 2
),

bands as (
    select
        person_key,
        hour(went_missing_at) // 3                                    as band,
        count(*)                                                      as n
    from times
    group by person_key, band
    qualify row_number() over (partition by person_key order by n desc, band) <= 2
),

usual_days as (
    select person_key,
           string_agg(day_name || ' (' || n || ')', ', ' order by n desc, day_number) as usual_days
    from days group by person_key
),

usual_hours as (
    select person_key,
           string_agg(
               lpad((band * 3)::varchar, 2, '0') || ':00-' || lpad((band * 3 + 2)::varchar, 2, '0')
               || ':59 (' || n || ')',
               ', ' order by n desc, band
           )                                                          as usual_hours
    from bands group by person_key
)

select person_key, usual_days, usual_hours
from usual_days
join usual_hours using (person_key)
order by person_key;
