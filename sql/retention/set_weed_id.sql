-- Give the staged weed its log id (weeded_episodes rows carry it).
-- Grain: one row (weed_params). Inputs: weed_params. Parameters: $weed_id.
update weed_params set weed_id = $weed_id;
