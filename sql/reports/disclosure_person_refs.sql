-- The person references no main document of any audience may contain (the police check).
-- Grain: one row per person reference (value). Inputs: person_identity.
-- Parameters: none.
select distinct person_id as value from person_identity
