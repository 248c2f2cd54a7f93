-- Report: repeat_concentration_people -- the looked-after share of the people reported most often.
-- Grain: one row (the top $top_n people of the window).
-- Inputs: person_window() (sql/marts/persons.sql).
-- Parameters: $window_start, $window_end (the site-ranking window); $top_n (20).
-- Ties: people with as many reports as the last one in are ranked by their pseudonymised key
-- (person_key), so which of them is in the top group is arbitrary but the same on every run;
-- tied_at_cut says how many people share the count at the cut.
with ranked as (
    select person_key, reports_in_window, looked_after,
           row_number() over (order by reports_in_window desc, person_key) as person_rank
    from person_window($window_start, $window_end)
),

top as (
    select * from ranked where person_rank <= $top_n
)

select
    count(*)                                                            as people,
    coalesce(sum(reports_in_window), 0)::bigint                         as incidents,
    count(*) filter (where looked_after)                                as looked_after_people,
    coalesce(sum(reports_in_window) filter (where looked_after), 0)::bigint as looked_after_incidents,
    (select count(*) from ranked
      where reports_in_window = (select min(reports_in_window) from top))  as tied_at_cut
from top
