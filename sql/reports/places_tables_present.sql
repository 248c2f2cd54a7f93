-- Report: which of the named tables exist (to say which step to run when one is missing).
-- Grain: one row per existing table among $names. Inputs: information_schema.tables.
-- Parameters: $names (varchar[]).
select distinct table_name
from information_schema.tables
where list_contains(cast($names as varchar[]), table_name)
