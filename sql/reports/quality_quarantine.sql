-- Report: data quality -- rows refused at ingestion, by reason.
-- Grain: one row per (record_type, reason) for loads started in the window.
-- Inputs: quarantine, load_log.
-- Parameters: $period_start, $period_end (window on load_log.started_at).
-- A row with several reasons counts under each. The value a reason quotes (a bad date, a
-- postcode, a code) is dropped: problems are counted by kind, and no value from a refused
-- row reaches this table (`misper quarantine` lists the rows for the police).
with

reasons as (
    select q.record_type, regexp_replace(unnest(q.reasons), '\s*(\(.*\)|''.*'')\s*$', '') as reason
    from quarantine q
    join load_log l using (load_id)
    where l.started_at >= $period_start
      and l.started_at < $period_end
)

select record_type, reason, count(*) as rows
from reasons
group by all
order by rows desc, record_type, reason
