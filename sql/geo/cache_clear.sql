-- Forget every cached result (the reference data or the sites register changed).
-- Grain: n/a. Inputs: geocode_cache. Parameters: none.
delete from geocode_cache
