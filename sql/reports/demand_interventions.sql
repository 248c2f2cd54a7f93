-- Report: episodes before and after each intervention, in windows of equal length.
-- Grain: one row per intervention given.
-- Inputs: site_episodes (sql/marts/sites_episodes.sql), sites, episodes, person_identity.
-- Parameters (parallel lists, one element per intervention):
--   $ids            intervention_id
--   $target_types   'site' | 'person'
--   $target_refs    site_ref (sites.site_ref) or person_id (person_identity.person_id)
--   $before_starts  start of the window before (timestamptz)
--   $starts         the intervention's start: end of the window before, start of the one after
--   $after_ends     end of the window after (exclusive)
-- A site's episodes are those whose go-missing location matched it (as in the sites table);
-- a person's are all of theirs. target_found is false when the reference matches nothing.
with

interventions as (
    select
        unnest(cast($ids as varchar[])) as intervention_id,
        unnest(cast($target_types as varchar[])) as target_type,
        unnest(cast($target_refs as varchar[])) as target_ref,
        unnest(cast($before_starts as timestamptz[])) as before_start,
        unnest(cast($starts as timestamptz[])) as started_at,
        unnest(cast($after_ends as timestamptz[])) as after_end
),

site_targets as (
    select i.intervention_id, s.site_id
    from interventions i
    join sites s on i.target_type = 'site' and s.site_ref = i.target_ref
),

person_targets as (
    select i.intervention_id, p.person_key
    from interventions i
    join person_identity p on i.target_type = 'person' and p.person_id = i.target_ref
),

target_episodes as (
    select t.intervention_id, se.incident_id, se.reported_at
    from site_targets t
    join site_episodes se using (site_id)
    union
    select t.intervention_id, e.incident_id, e.reported_at
    from person_targets t
    join episodes e using (person_key)
)

select
    i.intervention_id,
    (i.intervention_id in (select intervention_id from site_targets)
     or i.intervention_id in (select intervention_id from person_targets)) as target_found,
    count(te.incident_id) filter (where te.reported_at >= i.before_start and te.reported_at < i.started_at)
        as episodes_before,
    count(te.incident_id) filter (where te.reported_at >= i.started_at and te.reported_at < i.after_end)
        as episodes_after
from interventions i
left join target_episodes te using (intervention_id)
group by i.intervention_id
order by i.intervention_id
