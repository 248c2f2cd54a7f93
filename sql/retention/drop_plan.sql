-- Drop the temp tables of a weed plan.
-- Grain: none. Inputs: the temp tables of stage_params.sql and stage_plan.sql. Parameters: none.
drop table if exists weed_locations;
drop table if exists weed_persons;
drop table if exists weed_absences;
drop table if exists weed_episodes;
drop table if exists weed_params;
