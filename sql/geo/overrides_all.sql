-- Every analyst override. Grain: one row per (incident_id, role). Inputs: geocode_overrides.
-- Parameters: none.
select incident_id, role, easting, northing, note from geocode_overrides
