-- Quarantine counts by field and problem, for the load summary and data-quality section.
-- Grain: one row per reason (the text before the first quote or parenthesis).
-- Inputs: quarantine. Parameters: $load_id (null = every load).
select
    trim(regexp_extract(reason, '^([^(\x27]*)', 1)) as problem,
    count(*) as rows
from (select unnest(reasons) as reason from quarantine where $load_id is null or load_id = $load_id)
group by 1
order by rows desc, problem;
