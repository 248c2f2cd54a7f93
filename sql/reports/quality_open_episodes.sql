-- Report: data quality -- episodes still open at the end of the period, by risk and time open.
-- Grain: one row per (risk, open_band) with open episodes; risk is the initial grade.
-- Inputs: open_episodes_at() (sql/marts/open_episodes.sql: the one definition of "open at a moment").
-- Parameters: $period_end (00:00 London on the first day after the period).
-- Long-open episodes are often returns never recorded. profiles.analysis.quality.open_episodes
-- turns the rows into one column per band.
select
    risk_initial                        as risk,
    open_band,
    count(*)                            as open_episodes,
    min(reported_at)                    as oldest_reported_at
from open_episodes_at($period_end)
group by risk_initial, open_band
order by risk_rank(risk_initial) desc, list_position(open_bands(), open_band)
