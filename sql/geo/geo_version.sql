-- The reference import and sites register that geocoding results depend on.
-- Grain: one row. Inputs: ref_meta. Parameters: none.
select coalesce(max(case when key = 'import_id' then value end), '') || ':' ||
       coalesce(max(case when key = 'sites_version' then value end), '') as version
from ref_meta
