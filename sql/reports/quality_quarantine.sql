-- Report: data quality -- rows refused at ingestion, by reason.
-- Grain: one row per (record_type, reason) for loads started since the window began (the
--        extract for a month is usually loaded after the month ends, so later loads count).
-- Inputs: quarantine, load_log.
-- Parameters: $period_start (loads with load_log.started_at on or after it).
-- A row with several reasons counts under each. The value a reason quotes (a bad date, a
-- postcode, a code) is dropped: problems are counted by kind, and no value from a refused
-- row reaches this table (`misper quarantine` lists the rows for the police).
with

reasons as (
    select q.record_type, regexp_replace(unnest(q.reasons), '\s*(\(.*\)|''.*'')\s*$', '') as reason
    from quarantine q
    join load_log l using (load_id)
    where l.started_at >= $period_start
)

select record_type, reason, count(*) as rows
from reasons
group by all
order by rows desc, record_type, reason
