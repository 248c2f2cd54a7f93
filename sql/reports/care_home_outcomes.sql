-- Care-home summary: reporting delay and outcomes per care setting in the period.
-- Grain: one row per site with at least one incident in the period whose type is a care setting.
-- Inputs: site_episodes (sql/marts/sites_episodes.sql, a temp view), episodes, sites.
-- Parameters: $period_start, $period_end (half-open on reported_at, London time);
--   $care_types (varchar[]: the site types that are care settings).
-- reporting_delay_median_hours  median of reported_at - last_seen_at where last_seen_at is recorded
--                               and not after the report (the time a carer took to call police)
-- delay_recorded                incidents with a usable last_seen_at
-- found_safe / harmed / crime_victim / crime_suspect / found_dead / still_missing / outcome_not_recorded
--                               incidents by outcome (crime_victim includes sexual offences)
with period_episodes as (
    select e.*, se.site_id
    from site_episodes se
    join episodes e using (incident_id)
    join sites s on s.site_id = se.site_id
    where e.reported_at >= $period_start and e.reported_at < $period_end
      and list_contains($care_types, s.type)
)

select
    site_id,
    median(epoch(reported_at) - epoch(last_seen_at)) filter (where last_seen_at <= reported_at) / 3600.0
        as reporting_delay_median_hours,
    count(*) filter (where last_seen_at <= reported_at) as delay_recorded,
    count(*) filter (where found_at is not null and outcome = 'safe') as found_safe,
    count(*) filter (where found_at is not null and outcome = 'harmed') as harmed,
    count(*) filter (where found_at is not null and outcome in ('crime_victim', 'sexual_offence_victim')) as crime_victim,
    count(*) filter (where found_at is not null and outcome = 'crime_suspect') as crime_suspect,
    count(*) filter (where found_at is not null and outcome = 'found_dead') as found_dead,
    count(*) filter (where found_at is null) as still_missing,
    count(*) filter (where found_at is not null and outcome is null) as outcome_not_recorded
from period_episodes
group by site_id
