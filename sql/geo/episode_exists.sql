-- Whether an episode exists. Grain: one row if it does. Inputs: episodes. Parameters: $incident_id.
select incident_id from episodes where incident_id = $incident_id
