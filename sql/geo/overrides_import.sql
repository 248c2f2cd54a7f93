-- Record analysts' positions from an overrides file.
-- Grain: one row per (incident_id, role). Inputs: registered frame _geo_overrides_in. Parameters: none.
insert or replace into geocode_overrides (incident_id, role, easting, northing, note, entered_at)
select incident_id, role, easting, northing, note, now() from _geo_overrides_in
