-- The incidents a weed touches, for the CSV and the weed log.
-- Grain: one row per incident. Inputs: weed_episodes, weed_locations, weeded_episodes,
-- episode_locations.
-- Parameters: none.
-- episode: 'weeded' (personal details go now) | 'weeded_earlier' (only its locations go now).
-- locations: 'kept' (until keep_locations_years) | 'removed' | 'none' (no geocoded locations).
select
    w.incident_id,
    w.resolved_on,
    'weeded'                                                   as episode,
    case
        when w.incident_id not in (select incident_id from episode_locations) then 'none'
        when w.keep_locations then 'kept'
        else 'removed'
    end                                                        as locations
from weed_episodes w
union all
select
    x.incident_id,
    x.resolved_on,
    'weeded_earlier'                                           as episode,
    'removed'                                                  as locations
from weeded_episodes x
where x.incident_id in (select incident_id from weed_locations)
  and x.incident_id not in (select incident_id from weed_episodes)
order by incident_id;
