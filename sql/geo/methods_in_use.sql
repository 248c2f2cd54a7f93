-- Geocoding methods present among the episode locations (to attribute the datasets used).
-- Grain: one row per method. Inputs: episode_locations. Parameters: none.
select distinct method from episode_locations where method <> 'unmatched' order by method
