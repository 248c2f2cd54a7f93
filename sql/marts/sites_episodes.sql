-- Mart: episodes as the site analysis sees them (temporary view `site_episodes`).
-- Grain: one row per episode whose go-missing location ('missing_from') was matched to a site
--        (episode_locations.site_id), register sites and candidate sites alike.
-- Inputs: episode_facts() (sql/marts/episode_facts.sql: missing_from_site_id; a report run's
--         cached copy while there is one), sites.
-- Parameters: none (a view; the report queries filter it by period).
-- Created by profiles.analysis.places.prepare_site_episodes, after the marts.
create or replace temp view site_episodes as
select
    f.incident_id,
    f.person_key,
    f.missing_from_site_id as site_id,
    f.reported_at,
    f.risk,
    f.calls
from episode_facts() f
join sites s on s.site_id = f.missing_from_site_id
