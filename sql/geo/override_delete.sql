-- Forget one override. Grain: the deleted row. Inputs: geocode_overrides.
-- Parameters: $incident_id, $role.
delete from geocode_overrides where incident_id = $incident_id and role = $role returning incident_id
