-- Every reason of every staged row, for `misper ingest --check`.
-- Grain: one row per reason per staged row. Inputs: staged. Parameters: none.
select __seq, unnest(reasons) as reason
from staged
where len(reasons) > 0
