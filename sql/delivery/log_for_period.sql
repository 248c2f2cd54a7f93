-- The delivery log of one period, oldest first (for run summaries and audits).
-- Grain: one row per delivery attempt.
-- Inputs: delivery_log. Parameters: $period ('YYYY-MM').
select
    logged_at, list_name, report, audience, lawful_basis, recipients, result,
    attempts, error, message_id, files, eml_path
from delivery_log
where period = $period
order by logged_at, list_name, report;
