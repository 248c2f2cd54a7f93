-- Mart cache: the repeat counts of one rule, kept for one report run.
-- Grain: one row per episode, as episode_repeat_counts() (sql/marts/episode_repeats.sql).
-- Inputs: episode_repeat_counts(window_days, threshold) as sql/marts/episode_repeats.sql defines it.
-- Parameters:
--   $window_days, $threshold   the repeat rule (settings.repeat) the counts are taken for
-- Run by profiles.analysis.people_common.cached_repeat_counts only, into misper_run (the run's
-- database in memory, profiles.db.cached_mart: every connection of the process reads it);
-- sql/marts/episode_repeats_cached.sql then reads it. It is a copy of the mart's output, not a
-- second definition of the rule.
create table misper_run.repeat_counts_cache as
select * from episode_repeat_counts($window_days, $threshold);

create table misper_run.repeat_counts_rule as
select cast($window_days as integer) as rule_window_days, cast($threshold as integer) as rule_threshold;
