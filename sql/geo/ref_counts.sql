-- Row counts of the reference tables after an import.
-- Grain: one row per table. Inputs: ref_* tables, sites. Parameters: none.
select 'postcodes' as table_name, count(*) as rows from ref_postcodes
union all select 'postcode_partials', count(*) from ref_postcode_partials
union all select 'boundaries', count(*) from ref_boundaries
union all select 'places', count(*) from ref_places
union all select 'care_homes', count(*) from ref_care_homes
union all select 'user_sites', count(*) from ref_user_sites
union all select 'sites_register', count(*) from sites where status = 'register'
