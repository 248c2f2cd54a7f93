-- Report: repeat_concentration -- how much of the demand the people reported most often make.
-- Grain: one row per top_n of $top_ns (10, 20, 50).
-- Inputs: person_window() (sql/marts/persons.sql: each person's reports in the window).
-- Parameters:
--   $window_start, $window_end   the site-ranking window ending with the period (half-open, London time)
--   $top_ns                      the group sizes (settings: 10, 20, 50)
-- incidents: the sum of the top_n largest per-person report counts in the window (fewer people
-- than top_n: all of them); all_incidents: every report in the window; share_of_incidents:
-- incidents / all_incidents, 4 decimal places. Ties do not change the sum.
with ranked as (
    select reports_in_window,
           row_number() over (order by reports_in_window desc, person_key) as person_rank
    from person_window($window_start, $window_end)
),

total as (
    select coalesce(sum(reports_in_window), 0)::bigint as all_incidents
    from ranked
)

select
    t.top_n,
    coalesce(sum(r.reports_in_window), 0)::bigint                       as incidents,
    round(coalesce(sum(r.reports_in_window), 0) / nullif(any_value(a.all_incidents), 0), 4)
                                                                        as share_of_incidents,
    any_value(a.all_incidents)                                          as all_incidents
from (select unnest(cast($top_ns as integer[])) as top_n) t
cross join total a
left join ranked r on r.person_rank <= t.top_n
group by t.top_n
order by t.top_n
