-- The last retention review that ran (`misper schedule` without a Prefect server).
-- Grain: one row: the newest weed run, or nulls when none has run.
-- Inputs: weed_log.
-- Parameters: none.
select max(run_at) as run_at
from weed_log;
