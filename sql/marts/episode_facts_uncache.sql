-- Mart cache: drop the facts cache (sql/marts/episode_facts_cache.sql) of the process.
-- Grain: none, statements only. Inputs: episode_facts_cache (in misper_run, if any).
-- Parameters: none.
drop table if exists misper_run.episode_facts_cache;
