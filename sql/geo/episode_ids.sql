-- Every episode id (to check an overrides file). Grain: one row per episode. Inputs: episodes.
-- Parameters: none.
select incident_id from episodes
