-- Mart cache: drop the repeat counts cache (sql/marts/episode_repeats_cache.sql) of the process.
-- Grain: none, statements only. Inputs: misper_run.repeat_counts_cache, misper_run.repeat_counts_rule (if any).
-- Parameters: none.
drop table if exists misper_run.repeat_counts_cache;

drop table if exists misper_run.repeat_counts_rule;
