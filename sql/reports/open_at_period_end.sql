-- Report: open_at_period_end -- people still missing at the end of the period.
-- Grain: one row per (child_adult, risk, open_band) with open episodes.
-- Inputs: open_episodes_at() (sql/marts/open_episodes.sql: the one definition of "open at a moment").
-- Parameters: $period_end (00:00 London on the first day after the period).
-- Counted: every episode reported before $period_end with no found_at, or found at or after it,
-- however long ago it was reported. risk: the first assessment (legacy absent is no_apparent_risk);
-- child_adult: at the report; open_band: real elapsed time from reported_at to $period_end.
select
    child_adult,
    risk_initial                        as risk,
    open_band,
    count(*)                            as incidents,
    count(distinct person_key)          as individuals
from open_episodes_at($period_end)
group by child_adult, risk_initial, open_band
order by list_position(child_adult_groups(), child_adult), risk_rank(risk_initial) desc,
         list_position(open_bands(), open_band)
