-- Report: people_cross_border -- persons whose episodes in the period cross local authority or police
-- force boundaries, or touch another force's area: the notification list for other forces and LAs.
-- Grain: one row per person (person_key) with an episode in the period that crosses a border.
-- Inputs: episodes via episode_repeats() (sql/marts/episode_repeats.sql), episode_locations
--         (geocoded 'missing_from' and 'found' points with lad_code and force_area).
-- Parameters:
--   $period_start, $period_end  the period (half-open, London midnights), by reported_at
--   $window_days, $threshold    the repeat rule (for is_repeat)
--   $own_force                  this force's PFA code (settings.force.pfa_code)
-- A person is listed when, over the go-missing and found points of their episodes in the period,
-- there is more than one local authority district (spans_la), more than one force area
-- (spans_pfa), or any force area other than $own_force (other_forces: the forces to notify).
with in_period as (
    select *
    from episode_repeats($window_days, $threshold)
    where reported_at >= $period_start
      and reported_at < $period_end
),

points as (
    select e.person_key, e.incident_id, l.role, l.lad_code, l.force_area
    from in_period e
    join episode_locations l using (incident_id)
),

per_episode as (
    select
        incident_id,
        any_value(lad_code) filter (where role = 'missing_from')          as from_lad,
        any_value(lad_code) filter (where role = 'found')                 as found_lad,
        any_value(force_area) filter (where role = 'missing_from')        as from_pfa,
        any_value(force_area) filter (where role = 'found')               as found_pfa
    from points
    group by incident_id
),

per_person as (
    select
        e.person_key,
        count(distinct e.incident_id)                                     as episodes,
        count(distinct e.incident_id) filter (where x.from_lad <> x.found_lad) as episodes_crossing_la,
        count(distinct e.incident_id) filter (where x.from_pfa <> x.found_pfa) as episodes_crossing_pfa,
        max(e.reported_at)                                                as last_report_at,
        bool_or(e.is_repeat)                                              as is_repeat,
        coalesce(bool_or(e.looked_after), false)                          as looked_after,
        coalesce(bool_or(e.is_child), false)                              as any_child,
        list_sort(list_distinct(
            coalesce(list(e.responsible_la) filter (where e.responsible_la is not null), [])
            || coalesce(list(e.placing_authority) filter (where e.placing_authority is not null), [])
        ))                                                                as authorities_recorded
    from in_period e
    left join per_episode x using (incident_id)
    group by e.person_key
),

areas as (
    select
        person_key,
        list_sort(list_distinct(coalesce(list(lad_code) filter (where lad_code is not null), [])))  as lad_codes,
        list_sort(list_distinct(coalesce(list(force_area) filter (where force_area is not null), []))) as force_areas
    from points
    group by person_key
)

select
    p.person_key,
    p.episodes,
    p.episodes_crossing_la,
    p.episodes_crossing_pfa,
    array_to_string(a.lad_codes, ';')                                     as lad_codes,
    array_to_string(a.force_areas, ';')                                   as force_areas,
    len(a.lad_codes) > 1                                                  as spans_la,
    len(a.force_areas) > 1                                                as spans_pfa,
    array_to_string(list_filter(a.force_areas, lambda f: f <> $own_force), ';') as other_forces,
    array_to_string(p.authorities_recorded, ';')                          as authorities_recorded,
    p.is_repeat,
    p.looked_after,
    p.any_child,
    p.last_report_at
from per_person p
join areas a using (person_key)
where len(a.lad_codes) > 1
   or len(a.force_areas) > 1
   or len(list_filter(a.force_areas, lambda f: f <> $own_force)) > 0
order by p.is_repeat desc, p.episodes desc, p.last_report_at desc, p.person_key;
