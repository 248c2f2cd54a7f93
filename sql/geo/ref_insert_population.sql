-- Insert the rows of one ONS mid-year population table (long form, read by profiles.geo.reference).
-- Grain: one row per area, sex and single year of age. Inputs: _ref_population_in (registered frame).
-- Parameters: none.
insert into ref_population (area_code, area_name, sex, age, population, source_id)
select area_code, area_name, sex, age, population, source_id
from _ref_population_in
