-- Mart cache: drop the facts cache (sql/marts/episode_facts_cache.sql) of the connection.
-- Grain: none, statements only. Inputs: episode_facts_cache (temporary, if any).
-- Parameters: none.
drop table if exists temp.episode_facts_cache;
