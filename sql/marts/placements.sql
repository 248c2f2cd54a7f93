-- Mart: placed_children(period_start, period_end, pfa_code_of) -- looked-after children reported in a
-- period, with their placement and who placed them.
-- Grain: one row per episode (incident_id) of a child (under 18 at the report) with looked_after true,
--        reported in the period.
-- Inputs: episode_facts() (sql/marts/episode_facts.sql), ref_lad_pfa (the force's local authorities).
-- Parameters (macro arguments, bind them as $period_start, $period_end, $pfa_code):
--   period_start, period_end   window on reported_at (half-open, London time)
--   pfa_code_of                the force's police force area code (settings.force.pfa_code)
-- placement_type: placement_type(missing_from_type) (childrens_home, foster_care,
--   supported_accommodation, other). placed_by: in_area when the placing authority (a code, or a
--   name matched case-insensitively to the reference LADs) is a LAD of the force area; out_of_area
--   when it is any other LAD; not_recorded when it is empty or matches none.
create or replace temp macro placed_children(period_start, period_end, pfa_code_of) as table
with force_lads as (
    select lad_code
    from ref_lad_pfa
    where pfa_code = pfa_code_of
)
select
    f.incident_id,
    f.person_key,
    f.placement_type,
    f.placing_authority_code,
    f.placing_authority_name,
    case when f.placing_authority_code is null then 'not_recorded'
         when f.placing_authority_code in (select lad_code from force_lads) then 'in_area'
         else 'out_of_area' end                             as placed_by
from episode_facts() f
where f.reported_at >= period_start
  and f.reported_at < period_end
  and f.is_child
  and f.looked_after;
