-- Calendar helpers for report periods.
-- Grain: period_months() = one row per calendar month (month, a date) of a whole-month period;
--        local_month() a scalar.
-- Inputs: none. Parameters: none (macro arguments: the period's half-open start and end).
-- Installed on every connection (profiles.db.connect), read-only ones included.

create or replace temp macro period_months(period_start, period_end) as table
select unnest(generate_series(
    cast(period_start as date),
    cast(period_end as date) - interval 1 day,
    interval 1 month
))::date as month;

-- The calendar month (a date, its first day) of a moment, in the connection's time zone
-- (profiles.db.TIMEZONE): the same as cast(date_trunc('month', moment) as date), at half
-- the cost (the moment is turned into local time once, not worked through the time zone's
-- calendar).
create or replace temp macro local_month(moment) as
    cast(date_trunc('month', timezone(current_setting('TimeZone'), moment)) as date);
