-- Mart cache: the repeat counts of one rule, kept for one connection's report run.
-- Grain: one row per episode, as episode_repeat_counts() (sql/marts/episode_repeats.sql).
-- Inputs: episode_repeat_counts(window_days, threshold) as sql/marts/episode_repeats.sql defines it.
-- Parameters:
--   $window_days, $threshold   the repeat rule (settings.repeat) the counts are taken for
-- Run by profiles.analysis.people_common.cached_repeat_counts only (a temporary table: read-only
-- connections too); sql/marts/episode_repeats_cached.sql then reads it. It is a copy of the mart's
-- output, not a second definition of the rule.
create temp table repeat_counts_cache as
select * from episode_repeat_counts($window_days, $threshold);

create temp table repeat_counts_rule as
select cast($window_days as integer) as rule_window_days, cast($threshold as integer) as rule_threshold;
