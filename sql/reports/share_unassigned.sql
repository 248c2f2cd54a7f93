-- Partner share: children's episodes in the period that no share can carry.
-- Grain: one row (a count). Inputs: episode_facts(). Parameters: $period_start, $period_end.
select count(*) as episodes
from episode_facts()
where reported_at >= $period_start and reported_at < $period_end
  and is_child
  and responsible_la is null and placing_authority is null
