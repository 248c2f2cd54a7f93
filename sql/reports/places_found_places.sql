-- Report: where people were found, grouped into places.
-- Grain: one row per place: the go-missing location itself (found under 1 m from it), else
--        the site the found point matched, else the ward it lies in.
-- Inputs: episodes, episode_locations.
-- Parameters:
--   $period_start, $period_end   window on episodes.reported_at
--   $max_precision_m             found points less precise than this are left out
-- share_of_found: incidents / every found episode of the window with a located found point.
with

found as (
    select
        e.incident_id,
        e.person_key,
        f.site_id,
        f.ward_code,
        sqrt(pow(f.easting - g.easting, 2) + pow(f.northing - g.northing, 2)) as distance_m
    from episodes e
    join episode_locations f
      on f.incident_id = e.incident_id and f.role = 'found'
    left join episode_locations g
      on g.incident_id = e.incident_id and g.role = 'missing_from' and g.method <> 'unmatched'
    where e.reported_at >= $period_start
      and e.reported_at < $period_end
      and e.found_at is not null
      and f.method <> 'unmatched'
      and f.easting is not null
      and (f.precision_m is null or f.precision_m <= $max_precision_m)
),

placed as (
    select
        *,
        case
            when distance_m < 1 then 'go_missing_location'
            when site_id is not null then 'site'
            when ward_code is not null then 'ward'
        end as place_kind,
        case
            when distance_m < 1 then null
            when site_id is not null then site_id
            else ward_code
        end as place_code
    from found
)

select
    place_kind,
    place_code,
    count(*) as incidents,
    count(distinct person_key) as individuals,
    round(count(*) / (select count(*) from found), 4) as share_of_found,
    round(median(distance_m)) as median_distance_m
from placed
where place_kind is not null
group by place_kind, place_code
order by incidents desc, individuals desc, place_kind, place_code
