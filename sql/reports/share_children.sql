-- Partner share: children reported missing in the period, once per local authority that is
-- responsible for them or placed them.
-- Grain: one row per (local_authority, incident_ref). A child whose responsible and placing
--   authorities differ appears under both; la_role says which (or both, "placing, responsible").
-- Inputs: episode_facts() (sql/marts/episode_facts.sql).
-- Parameters: $period_start, $period_end (timestamptz, half-open on reported_at).
-- Only fields a partner may see: person_ref is the pseudonymised person_key, never the raw
--   reference; no date of birth, addresses, positions or free text.
with children as (
    select *
    from episode_facts()
    where reported_at >= $period_start and reported_at < $period_end
      and is_child
),

by_authority as (
    select responsible_la as local_authority, 'responsible' as la_role, incident_id
    from children where responsible_la is not null
    union all
    select placing_authority, 'placing', incident_id
    from children where placing_authority is not null
),

roles as (
    select local_authority, incident_id, string_agg(distinct la_role, ', ' order by la_role) as la_role
    from by_authority
    group by all
)

select
    r.local_authority,
    r.la_role,
    c.incident_id as incident_ref,
    c.person_key as person_ref,
    c.age_at_report,
    c.gender,
    c.ethnicity,
    c.reported_at,
    c.last_seen_at,
    c.found_at,
    round((epoch(c.found_at) - epoch(c.reported_at)) / 3600.0, 1) as duration_hours,
    c.risk,
    c.risk_highest,
    c.missing_from_type,
    c.found_by,
    c.outcome,
    c.flag_cse,
    c.flag_cce,
    c.flag_trafficking,
    c.flag_mental_health,
    c.flag_suicidal,
    c.flag_dementia,
    c.flag_learning_disability,
    c.looked_after,
    c.placing_authority,
    c.responsible_la,
    c.return_interview_offered_at,
    c.return_interview_done_at,
    c.calls
from roles r
join children c using (incident_id)
order by r.local_authority, c.reported_at, c.incident_id
