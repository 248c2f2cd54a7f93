-- Mart cache: the facts of every episode, kept for one connection's report run.
-- Grain: one row per episode, as episode_facts() (sql/marts/episode_facts.sql).
-- Inputs: episode_facts() as sql/marts/episode_facts.sql defines it.
-- Parameters: none.
-- Run by profiles.db.cached_facts only (a temporary table: read-only connections too);
-- sql/marts/episode_facts_cached.sql then reads it. It is a copy of the mart's output, not a
-- second definition of any category.
create temp table episode_facts_cache as
select * from episode_facts();
