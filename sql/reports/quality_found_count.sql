-- Report: found episodes of a window (the denominator of late-recorded returns).
-- Grain: one row. Inputs: episodes. Parameters: $period_start, $period_end (window on reported_at).
select count(*) as found
from episodes
where reported_at >= $period_start
  and reported_at < $period_end
  and found_at is not null
