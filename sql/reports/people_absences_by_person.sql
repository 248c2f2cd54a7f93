-- Report: people_absences_by_person -- the full pattern per person: absences shared by care providers
-- (reported to police or not) beside the person's police reports.
-- Grain: one row per person (person_key) with an absence starting in the period.
-- Inputs: absences, episodes.
-- Parameters: $period_start, $period_end (half-open, London midnights), by absences.started_at and
--             episodes.reported_at.
-- total_occasions = police_episodes + not_reported: every known time the person was away, counting
-- a reported absence once (as its police episode).
with period_absences as (
    select *
    from absences
    where started_at >= $period_start
      and started_at < $period_end
),

per_person as (
    select
        person_key,
        count(*)                                                           as absences,
        count(*) filter (where reported_to_police)                         as reported_to_police,
        count(*) filter (where not reported_to_police)                     as not_reported,
        count(distinct coalesce(nullif(trim(site_ref), ''), upper(trim(site_name)))) as homes,
        max(started_at)                                                    as last_absence_at
    from period_absences
    group by person_key
),

police as (
    select person_key, count(*)                                            as police_episodes
    from episodes
    where reported_at >= $period_start
      and reported_at < $period_end
    group by person_key
)

select
    a.person_key,
    a.absences,
    a.reported_to_police,
    a.not_reported,
    coalesce(p.police_episodes, 0)                                         as police_episodes,
    coalesce(p.police_episodes, 0) + a.not_reported                        as total_occasions,
    a.homes,
    a.last_absence_at
from per_person a
left join police p using (person_key)
order by total_occasions desc, a.not_reported desc, a.person_key;
