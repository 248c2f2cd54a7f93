-- Mart: episodes as the site analysis sees them (temporary view `site_episodes`).
-- Grain: one row per episode whose go-missing location ('missing_from') was matched to a site
--        (episode_locations.site_id), register sites and candidate sites alike.
-- Inputs: episodes, episode_locations, sites.
-- Parameters: none (a view; the report queries filter it by period).
create or replace temp view site_episodes as
with

go_missing as (
    select incident_id, site_id
    from episode_locations
    where role = 'missing_from'
      and site_id is not null
)

select
    e.incident_id,
    e.person_key,
    g.site_id,
    e.reported_at,
    e.risk,
    e.calls
from episodes e
join go_missing g using (incident_id)
join sites s on s.site_id = g.site_id
