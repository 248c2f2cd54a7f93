-- Report: people_absences_by_home -- unauthorised absences shared by care providers, per home, with
-- how many the home reported to police (police audience: homes are named).
-- Grain: one row per home (site_ref as given, else the site name as given) with an absence
--        starting in the period.
-- Inputs: absences, sites (matched on site_ref), episodes and episode_locations (police reports
--         from the home in the period: episodes.site_ref, the go-missing point matched to the site,
--         or an absence at the home that names the incident).
-- Parameters: $period_start, $period_end (half-open, London midnights), by absences.started_at and
--             episodes.reported_at.
-- reported_without_episode: absences marked reported whose incident_id is not in episodes
-- (a data-quality signal: the police record is missing or has another reference).
with period_absences as (
    select
        a.*,
        coalesce(nullif(trim(a.site_ref), ''), 'name:' || upper(trim(a.site_name)))  as home_key,
        e.incident_id is not null                                                    as episode_found
    from absences a
    left join episodes e on e.incident_id = a.incident_id
    where a.started_at >= $period_start
      and a.started_at < $period_end
),

register as (
    select *
    from sites
    where site_ref is not null
    qualify row_number() over (partition by site_ref order by status = 'register' desc, site_id) = 1
),

homes as (
    select
        a.home_key,
        any_value(a.site_ref)                                              as site_ref,
        any_value(s.site_id)                                               as site_id,
        coalesce(any_value(s.name), any_value(a.site_name))                as site_name,
        any_value(s.type)                                                  as site_type,
        coalesce(any_value(s.sensitive), false)                            as sensitive,
        count(*)                                                           as absences,
        count(distinct a.person_key)                                       as individuals,
        count(*) filter (where a.reported_to_police)                       as reported_to_police,
        count(*) filter (where not a.reported_to_police)                   as not_reported,
        count(*) filter (where a.reported_to_police and not a.episode_found) as reported_without_episode
    from period_absences a
    left join register s on s.site_ref = a.site_ref
    group by a.home_key
),

period_episodes as (
    select e.incident_id, e.site_ref, l.site_id
    from episodes e
    left join episode_locations l on l.incident_id = e.incident_id and l.role = 'missing_from'
    where e.reported_at >= $period_start
      and e.reported_at < $period_end
),

-- police reports from the home: by the report's site reference, its go-missing point matched
-- to the site, or an absence at the home that names the incident
linked as (
    select distinct a.home_key, a.incident_id
    from period_absences a
    where a.incident_id is not null
),

police as (
    select h.home_key, count(distinct p.incident_id)                       as police_episodes
    from homes h
    join period_episodes p
      on p.site_ref = h.site_ref
      or (h.site_id is not null and p.site_id = h.site_id)
      or exists (select 1 from linked k where k.home_key = h.home_key and k.incident_id = p.incident_id)
    group by h.home_key
)

select
    h.site_ref,
    h.site_id,
    h.site_name,
    h.site_type,
    h.sensitive,
    h.absences,
    h.individuals,
    h.reported_to_police,
    h.not_reported,
    round(h.reported_to_police / h.absences, 3)                           as reported_share,
    h.reported_without_episode,
    coalesce(p.police_episodes, 0)                                         as police_episodes
from homes h
left join police p using (home_key)
order by h.not_reported desc, h.absences desc, h.home_key;
