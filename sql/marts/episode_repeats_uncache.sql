-- Mart cache: drop the repeat counts cache (sql/marts/episode_repeats_cache.sql) of the connection.
-- Grain: none, statements only. Inputs: repeat_counts_cache, repeat_counts_rule (temporary, if any).
-- Parameters: none.
drop table if exists temp.repeat_counts_cache;

drop table if exists temp.repeat_counts_rule;
