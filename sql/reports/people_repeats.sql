-- Report: people_repeats -- the repeat missing list as of a date.
-- Grain: one row per person (person_key) with at least $threshold reports in the window.
-- Inputs: episodes via person_window() (sql/marts/persons.sql).
-- Parameters:
--   $window_start  London midnight starting the window (as_of - (window_days - 1) days)
--   $window_end    London midnight ending the as-of date (exclusive)
--   $threshold     reports in the window that make a person a repeat (settings.repeat.threshold)
-- Order: most reports first, then most recent, then person_key.
select * exclude (flag_list)
from person_window($window_start, $window_end)
where reports_in_window >= $threshold
order by reports_in_window desc, last_report_at desc, person_key;
