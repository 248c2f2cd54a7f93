-- Mart: episode_facts() read from the run's cache.
-- Grain: one row per episode, as sql/marts/episode_facts.sql defines it.
-- Inputs: misper_run.episode_facts_cache (in memory, sql/marts/episode_facts_cache.sql).
-- Parameters: none.
-- Installed by profiles.db.install_marts, after the marts, only while the cache exists in the
-- process; every mart and report query that reads episode_facts() then reads the copy.
create or replace temp macro episode_facts() as table
select * from misper_run.episode_facts_cache;
