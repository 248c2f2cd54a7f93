-- Mart: episode_repeats(window_days, threshold) -- episodes as the people analysis sees them.
-- Grain: one row per episode (incident_id), every column of episode_facts() plus the ones below.
-- Inputs: episodes (sql/schema/00_core.sql: person, time and id, for the counts);
--         episode_facts() (sql/marts/episode_facts.sql: the episode's categories, computed there).
-- Parameters (macro arguments, bind them as $window_days, $threshold when calling):
--   window_days  length of the rolling repeat window in days (settings.repeat.window_days, default 90)
--   threshold    reports in the window that make an episode a repeat (settings.repeat.threshold, default 3)
-- Derived columns (episode_repeat_counts(), below, the one home of the repeat rule):
--   reports_in_window    the person's reports with reported_at between this reported_at minus
--                        window_days days and this reported_at, both ends included. The interval is
--                        taken in London calendar days (a clock change keeps the local time).
--                        Reports at the same instant count for each other (RANGE frame, peers included).
--   report_number        1 for the person's first report in the database, 2 for the second, ...
--                        (ties at the same instant are ordered by incident_id)
--   previous_reported_at reported_at of the person's previous report (null for the first)
--   is_repeat            reports_in_window >= threshold
--   previous_is_repeat   is_repeat of the person's previous report (null for the first)
--   and every category of episode_facts() (is_child, highest_risk, flag_list, flags, went_missing_at, ...)
-- The counts are taken over every episode of the database (narrow: person, time, id) and joined
-- to episode_facts(), so a report query's filter on the facts (e.g. its period) reaches the
-- episodes scan. profiles.analysis.people_common.cache_repeat_counts keeps the counts of one rule
-- in a temporary table for a connection's report run (sql/marts/episode_repeats_cached.sql).
-- Install with profiles.analysis.people.install_marts(con) (a temporary macro: works read-only too).
create or replace temp macro episode_repeat_counts(window_days, threshold) as table
with counted as (
    select
        e.incident_id,
        e.person_key,
        e.reported_at,
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
)

select
    incident_id,
    reports_in_window,
    report_number,
    previous_reported_at,
    reports_in_window >= threshold                          as is_repeat,
    lag(reports_in_window >= threshold) over (partition by person_key order by reported_at, incident_id)
                                                            as previous_is_repeat
from counted;

create or replace temp macro episode_repeats(window_days, threshold) as table
select
    f.*,
    c.reports_in_window,
    c.report_number,
    c.previous_reported_at,
    c.is_repeat,
    c.previous_is_repeat
from episode_facts() f
join episode_repeat_counts(window_days, threshold) c on c.incident_id = f.incident_id;
