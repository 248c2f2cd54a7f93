-- Report: people_rfg -- recency-frequency-gravity score per person (a local choice; docs/methods_people.md).
-- Grain: one row per person (person_key) with at least one report in the frequency window.
-- Inputs: episodes via episode_repeats() (sql/marts/episode_repeats.sql) for highest_risk and flag_list.
-- Parameters:
--   $as_of_end       end of the as-of date (exclusive London midnight); nothing after it counts
--   $frequency_days  the frequency window: reports with reported_at >= $as_of_end - $frequency_days days
--   $half_life_days  recency halves every this many days since the last report
--   $weight_keys, $weight_values   gravity weights (settings.rfg.gravity_weights) as two lists:
--                    a risk code (weight of the episode's highest grade), flag_<code> (each flag set),
--                    looked_after, harm (outcome in $harm_outcomes)
--   $harm_outcomes   outcome codes that count as harm
--   $window_days, $threshold   the repeat rule, passed to the mart (not used in the score)
-- Score = recency x frequency x gravity, where
--   recency   = 0.5 ^ (days from the last report to $as_of_end / $half_life_days)   (0..1)
--   frequency = reports in the frequency window
--   gravity   = mean over those reports of the episode's weight sum (risk + flags + looked_after + harm)
with scored_episodes as (
    select
        person_key,
        incident_id,
        reported_at,
        coalesce($weight_values[list_position($weight_keys, highest_risk)], 0)
        + coalesce(list_sum(list_transform(
              flag_list, lambda f: coalesce($weight_values[list_position($weight_keys, 'flag_' || f)], 0)
          )), 0)
        + case when looked_after
               then coalesce($weight_values[list_position($weight_keys, 'looked_after')], 0) else 0 end
        + case when list_contains($harm_outcomes, outcome)
               then coalesce($weight_values[list_position($weight_keys, 'harm')], 0) else 0 end
                                                                    as episode_gravity
    from episode_repeats($window_days, $threshold)
    where reported_at < $as_of_end
      and reported_at >= $as_of_end - to_days($frequency_days)
),

per_person as (
    select
        person_key,
        count(*)                                                    as frequency,
        max(reported_at)                                            as last_report_at,
        avg(episode_gravity)                                        as gravity
    from scored_episodes
    group by person_key
),

with_recency as (
    select
        *,
        (epoch($as_of_end) - epoch(last_report_at)) / 86400.0       as days_since_last,
        pow(0.5, ((epoch($as_of_end) - epoch(last_report_at)) / 86400.0) / $half_life_days) as recency
    from per_person
)

select
    person_key,
    last_report_at,
    round(days_since_last, 2)                                       as days_since_last,
    round(recency, 4)                                               as recency,
    frequency,
    round(gravity, 4)                                               as gravity,
    round(recency * frequency * gravity, 4)                         as score,
    row_number() over (order by recency * frequency * gravity desc, last_report_at desc, person_key) as rank
from with_recency
order by rank;
