-- Share of go-missing and found locations geocoded by each method, per role and for both roles.
-- Grain: one row per role (missing_from, found, all) and method.
-- Inputs: episode_locations (a role with no input has no row). Parameters: none.
with counted as (
    select role, method, count(*) as locations from episode_locations group by role, method
    union all
    select 'all', method, count(*) from episode_locations group by method
)
select role, method, locations,
       round(locations / sum(locations) over (partition by role), 4) as share
from counted
order by case role when 'missing_from' then 1 when 'found' then 2 else 3 end,
         case method when 'override' then 1 when 'coordinates' then 2 when 'site' then 3
                     when 'postcode' then 4 when 'place' then 5 when 'partial_postcode' then 6
                     when 'online' then 7 else 8 end
