-- Mart: open_episodes_at(moment) -- the episodes open at a moment, with how long they have been open.
-- Grain: one row per episode (incident_id) open at the moment.
-- Inputs: episode_facts() (sql/marts/episode_facts.sql).
-- Parameters (macro argument, bind it as $period_end or $as_of when calling):
--   moment   the instant (TIMESTAMPTZ), e.g. 00:00 London on the first day after the period
-- Open: open_at(reported_at, found_at, moment) (sql/macros/categories.sql): reported before the
-- moment, and not found or found at or after it; episodes reported years earlier count too.
-- open_band: open_band(reported_at, moment), real elapsed time (a clock change counts).
-- The one definition behind "still missing at the end of the period" (open_at_period_end) and
-- the data-quality table of open episodes (quality_open_episodes).
create or replace temp macro open_episodes_at(moment) as table
select
    *,
    open_band(reported_at, moment)                          as open_band,
    round((epoch(moment) - epoch(reported_at)) / 3600.0, 1) as hours_open
from episode_facts()
where open_at(reported_at, found_at, moment);
