-- Report: people_found_places -- "where to look first": the places each person was found before.
-- Grain: one row per (person_key, rank): each found place of a person, ranked (1 = most finds).
-- Inputs: episodes, episode_locations (role 'found' and 'missing_from', EPSG:27700), sites.
-- Parameters:
--   $person_keys  the persons to describe (list of person_key)
--   $up_to        only episodes found before this instant (exclusive)
-- A place is the matched site when the found location matched one; else the found postcode;
-- else the found address text (upper case, trimmed); else the geocoded point on a 100 m grid.
-- distance_m: median over the finds of the straight-line distance from where the person went
-- missing on that episode to where they were found (both geocoded), in metres.
-- direction: 8-point compass bearing (grid north) of the mean displacement from the go-missing
-- point to the found point over those finds; null when the two coincide on average.
with finds as (
    select
        e.person_key,
        e.incident_id,
        e.found_at,
        f.easting                                                   as found_e,
        f.northing                                                  as found_n,
        m.easting                                                   as from_e,
        m.northing                                                  as from_n,
        s.type                                                      as site_type,
        case
            when f.site_id is not null then 'site:' || f.site_id
            when e.found_postcode is not null then 'postcode:' || upper(trim(e.found_postcode))
            when nullif(trim(e.found_address), '') is not null then 'address:' || upper(trim(e.found_address))
            when f.easting is not null and f.northing is not null then
                'grid:' || (round(f.easting / 100) * 100)::bigint || ',' || (round(f.northing / 100) * 100)::bigint
        end                                                         as place_key,
        case
            when f.site_id is not null then coalesce(s.name, 'site ' || f.site_id)
            when e.found_postcode is not null or nullif(trim(e.found_address), '') is not null
                then concat_ws(', ', nullif(trim(e.found_address), ''), e.found_postcode)
            when f.easting is not null and f.northing is not null then
                'near ' || (round(f.easting / 100) * 100)::bigint || ', ' || (round(f.northing / 100) * 100)::bigint
        end                                                         as place_label,
        case
            when f.site_id is not null then 'site'
            when e.found_postcode is not null then 'postcode'
            when nullif(trim(e.found_address), '') is not null then 'address'
            when f.easting is not null then 'point'
        end                                                         as place_kind
    from episodes e
    left join episode_locations f on f.incident_id = e.incident_id and f.role = 'found'
    left join episode_locations m on m.incident_id = e.incident_id and m.role = 'missing_from'
    left join sites s on s.site_id = f.site_id
    where list_contains($person_keys, e.person_key)
      and e.found_at is not null
      and e.found_at < $up_to
),

moves as (
    select
        *,
        found_e - from_e                                            as dx,
        found_n - from_n                                            as dy
    from finds
    where place_key is not null
),

per_place as (
    select
        person_key,
        place_key,
        arg_max(place_label, (found_at, incident_id))               as place,
        any_value(place_kind)                                       as place_kind,
        any_value(site_type)                                        as site_type,
        count(*)                                                    as times_found,
        max(found_at)                                               as last_found_at,
        avg(found_e)                                                as easting,
        avg(found_n)                                                as northing,
        median(sqrt(dx * dx + dy * dy))                             as distance_m,
        avg(dx)                                                     as mean_dx,
        avg(dy)                                                     as mean_dy
    from moves
    group by person_key, place_key
),

totals as (
    select person_key, count(*) as finds from moves group by person_key
)

select
    p.person_key,
    row_number() over (
        partition by p.person_key order by p.times_found desc, p.last_found_at desc, p.place_key
    )                                                               as rank,
    p.place,
    p.place_kind,
    p.site_type,
    p.times_found,
    round(p.times_found / t.finds, 3)                              as share_of_finds,
    p.last_found_at,
    round(p.easting)                                                as easting,
    round(p.northing)                                               as northing,
    round(p.distance_m)                                             as distance_m,
    case
        when p.mean_dx is null or (p.mean_dx = 0 and p.mean_dy = 0) then null
        else ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'][
            (floor(((degrees(atan2(p.mean_dx, p.mean_dy)) + 360 + 22.5) % 360) / 45))::integer + 1
        ]
    end                                                             as direction
from per_place p
join totals t using (person_key)
order by p.person_key, rank;
