-- Mart: episode_repeat_counts(window_days, threshold) read from the run's cache.
-- Grain: one row per episode, as sql/marts/episode_repeats.sql defines it.
-- Inputs: misper_run.repeat_counts_cache, misper_run.repeat_counts_rule (in memory, sql/marts/episode_repeats_cache.sql).
-- Parameters (macro arguments): window_days, threshold -- must be the rule the cache was built
--   for; any other rule is an error, never a silent answer for the wrong rule.
-- Installed by profiles.db.install_marts, after the marts, only while the cache exists on the
-- connection; episode_repeats() (sql/marts/episode_repeats.sql) then joins it to episode_facts().
create or replace temp macro episode_repeat_counts(window_days, threshold) as table
select c.*
from misper_run.repeat_counts_cache c
where (
    select case
        when r.rule_window_days = window_days and r.rule_threshold = threshold then true
        else error('episode_repeat_counts: the cached counts are for another repeat rule')
    end
    from misper_run.repeat_counts_rule r
);
