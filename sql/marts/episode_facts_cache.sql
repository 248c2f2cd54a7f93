-- Mart cache: the facts of every episode, kept for one report run.
-- Grain: one row per episode, as episode_facts() (sql/marts/episode_facts.sql).
-- Inputs: episode_facts() as sql/marts/episode_facts.sql defines it.
-- Parameters: none.
-- Run by profiles.db.cached_facts only, into misper_run (the run's database in memory,
-- profiles.db.cached_mart: every connection of the process reads it, a report run's second
-- thread too); sql/marts/episode_facts_cached.sql then reads it.
-- It is a copy of the mart's output, not a second definition of any category.
create table misper_run.episode_facts_cache as
select * from episode_facts();
