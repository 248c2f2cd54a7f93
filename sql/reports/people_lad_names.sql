-- Report: people_lad_names -- local authority district codes and names from the reference import.
-- Grain: one row per LAD code. Inputs: ref_boundaries (sql/schema/11_reference.sql). Parameters: none.
-- Used to compare a placing authority given as a name with the host authority's code.
select code as lad_code, any_value(name order by detail_rank) as lad_name
from ref_boundaries
where level = 'lad'
group by code
order by code;
