-- Read one fact about the reference import. Grain: one row per key.
-- Inputs: ref_meta. Parameters: $key.
select value from ref_meta where key = $key
