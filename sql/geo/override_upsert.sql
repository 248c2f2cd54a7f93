-- Record (or replace) an analyst's position for one episode location.
-- Grain: one row per (incident_id, role). Inputs: geocode_overrides.
-- Parameters: $incident_id, $role, $easting, $northing (EPSG:27700), $note.
insert or replace into geocode_overrides (incident_id, role, easting, northing, note, entered_at)
values ($incident_id, $role, $easting, $northing, $note, now())
