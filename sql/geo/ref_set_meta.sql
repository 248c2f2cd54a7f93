-- Set one fact about the reference import. Grain: one row per key.
-- Inputs: ref_meta. Parameters: $key, $value.
insert or replace into ref_meta (key, value) values ($key, $value)
