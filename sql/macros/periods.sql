-- Calendar helpers for report periods.
-- Grain: period_months() = one row per calendar month (month, a date) of a whole-month period.
-- Inputs: none. Parameters: none (macro arguments: the period's half-open start and end).
-- Installed on every connection (profiles.db.connect), read-only ones included.

create or replace temp macro period_months(period_start, period_end) as table
select unnest(generate_series(
    cast(period_start as date),
    cast(period_end as date) - interval 1 day,
    interval 1 month
))::date as month;
