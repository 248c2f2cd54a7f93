-- Mart: episode_repeats(window_days, threshold) -- episodes as the people analysis sees them.
-- Grain: one row per episode (incident_id), every column of `episodes` plus the derived ones below.
-- Inputs: episodes (sql/schema/00_core.sql); category macros (sql/macros/categories.sql).
-- Parameters (macro arguments, bind them as $window_days, $threshold when calling):
--   window_days  length of the rolling repeat window in days (settings.repeat.window_days, default 90)
--   threshold    reports in the window that make an episode a repeat (settings.repeat.threshold, default 3)
-- Derived columns:
--   report_number        1 for the person's first report in the database, 2 for the second, ...
--                        (ties at the same instant are ordered by incident_id)
--   reports_in_window    the person's reports with reported_at between this reported_at minus
--                        window_days days and this reported_at, both ends included. The interval is
--                        taken in London calendar days (a clock change keeps the local time).
--                        Reports at the same instant count for each other (RANGE frame, peers included).
--   is_repeat            reports_in_window >= threshold
--   previous_is_repeat   is_repeat of the person's previous report (null for the first)
--   previous_reported_at reported_at of the person's previous report (null for the first)
--   highest_risk         the higher of risk and risk_highest
--   is_child             under 18 at the report (null when the age is unknown)
--   flag_list            the vulnerability flags set on the episode, as codes in canonical order
--                        (cse, cce, trafficking, mental_health, suicidal, dementia, learning_disability)
--   flags                flag_list joined with ';' ('' when none)
--   went_missing_at      last_seen_at when recorded, else reported_at (for days and hours of going missing)
-- Install with profiles.analysis.people.install_marts(con) (a temporary macro: works read-only too).
create or replace temp macro episode_repeats(window_days, threshold) as table
with counted as (
    select
        e.*,
        count(*) over repeat_window                         as reports_in_window,
        row_number() over person_order                      as report_number,
        lag(e.reported_at) over person_order                as previous_reported_at
    from episodes e
    window
        person_order as (partition by e.person_key order by e.reported_at, e.incident_id),
        repeat_window as (
            partition by e.person_key
            order by e.reported_at
            range between to_days(window_days) preceding and current row
        )
),

flagged as (
    select
        *,
        reports_in_window >= threshold                      as is_repeat,
        flag_codes(flag_cse, flag_cce, flag_trafficking, flag_mental_health, flag_suicidal,
                   flag_dementia, flag_learning_disability)     as flag_list,
        highest_risk(risk, risk_highest)                    as highest_risk,
        age_at_report < 18                                  as is_child,
        coalesce(last_seen_at, reported_at)                 as went_missing_at
    from counted
)

select
    *,
    lag(is_repeat) over (partition by person_key order by reported_at, incident_id) as previous_is_repeat,
    array_to_string(flag_list, ';')                        as flags
from flagged;
