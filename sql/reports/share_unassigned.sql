-- Partner share: children's episodes in the period that no share can carry.
-- Grain: one row (a count). Inputs: episodes. Parameters: $period_start, $period_end.
select count(*) as episodes
from episodes
where reported_at >= $period_start and reported_at < $period_end
  and age_at_report < 18
  and responsible_la is null and placing_authority is null
