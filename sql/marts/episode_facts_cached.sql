-- Mart: episode_facts() read from the connection's cache.
-- Grain: one row per episode, as sql/marts/episode_facts.sql defines it.
-- Inputs: episode_facts_cache (a temporary table, sql/marts/episode_facts_cache.sql).
-- Parameters: none.
-- Installed by profiles.db.install_marts, after the marts, only while the cache exists on the
-- connection; every mart and report query that reads episode_facts() then reads the copy.
create or replace temp macro episode_facts() as table
select * from episode_facts_cache;
