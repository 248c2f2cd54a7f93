-- Report: data quality -- episodes still open in the data, by risk and time open.
-- Grain: one row per initial risk grade with open episodes.
-- Inputs: episodes.
-- Parameters: $period_end (open episodes reported before it; time open measured to it).
-- Long-open episodes are often returns never recorded.
select
    risk,
    count(*) as open_episodes,
    count(*) filter (where epoch($period_end) - epoch(reported_at) <= 72 * 3600) as open_up_to_72h,
    count(*) filter (where epoch($period_end) - epoch(reported_at) > 72 * 3600
                       and epoch($period_end) - epoch(reported_at) <= 28 * 86400) as open_72h_to_28d,
    count(*) filter (where epoch($period_end) - epoch(reported_at) > 28 * 86400
                       and epoch($period_end) - epoch(reported_at) <= 365 * 86400) as open_28d_to_1y,
    count(*) filter (where epoch($period_end) - epoch(reported_at) > 365 * 86400) as open_over_1y,
    min(reported_at) as oldest_reported_at
from episodes
where found_at is null
  and reported_at < $period_end
group by risk
order by list_position(['high', 'medium', 'low', 'no_apparent_risk'], risk)
