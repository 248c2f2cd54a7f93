-- Report: reports by day of the week and hour of the day (London local time).
-- Grain: one row per (day_of_week, hour): 7 x 24 = 168 rows, empty cells as 0.
-- Inputs: episode_facts() (sql/marts/episode_facts.sql: went_missing_at).
-- Parameters:
--   $period_start, $period_end   window on episodes.reported_at (half-open)
--   $clock                       'reported' (the time of the report) or 'last_seen'
--                                (last seen, else the report time: when people go missing)
-- day_of_week: ISO, 1 = Monday ... 7 = Sunday.
with

grid as (
    select d.day_of_week, h.hour
    from (select range as day_of_week from range(1, 8)) d
    cross join (select range as hour from range(0, 24)) h
),

timed as (
    select
        case when $clock = 'last_seen' then went_missing_at else reported_at end as went_at
    from episode_facts()
    where reported_at >= $period_start
      and reported_at < $period_end
),

counts as (
    select isodow(went_at) as day_of_week, hour(went_at) as hour, count(*) as incidents
    from timed
    group by all
)

select
    g.day_of_week,
    ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'][g.day_of_week] as day_name,
    g.hour,
    coalesce(c.incidents, 0) as incidents
from grid g
left join counts c using (day_of_week, hour)
order by g.day_of_week, g.hour
