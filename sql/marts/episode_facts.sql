-- Mart: episode_facts() -- every episode with each category of the field computed once.
-- Grain: one row per episode (incident_id).
-- Inputs: episodes (sql/schema/00_core.sql); episode_locations (the go-missing point's area);
--         area_names() (sql/marts/area_names.sql); category macros (sql/macros/categories.sql).
-- Parameters: none (a table macro; the report queries filter it by period).
-- Every report reads its categories from here instead of deriving them again:
--   is_child, child_adult      under 18 at the report (child_adult 'unknown' when no age)
--   age_band                   age band at the report
--   gender_group, ethnic_group gender as recorded (else unknown); UKMPU ethnic group of the IC code
--   risk_initial               the first assessment (legacy `absent` is mapped to no_apparent_risk at ingest)
--   highest_risk               the higher of risk and risk_highest
--   duration_band              published band from report to found; still_missing when not found
--   found_by_category, outcome_category   the code, not_recorded when found without one, still_missing
--   missing_from_category      missing_from_type, not_recorded when none
--   care_setting               missing_from_type when it is a care setting (UKMPU T10), else null
--   is_looked_after            looked_after, false when not recorded
--   looked_after_category      yes, no, not_recorded
--   placement_type             childrens_home, foster_care, supported_accommodation or other
--   flag_list, flags           the vulnerability flags set, canonical order (flags joined with ';')
--   went_missing_at            last_seen_at when recorded, else reported_at
--   lad_code, lad_name         local authority district of the go-missing point (geocoded), and its name
--   missing_from_site_id       the site the go-missing point matched (episode_locations.site_id), if any
--   placing_authority_code, placing_authority_name   the LAD that placing_authority names: its code
--                              (any case), else its name matched case-insensitively; null when it
--                              is empty or matches no LAD of the reference boundaries
create or replace temp macro episode_facts() as table
with

go_missing as (
    select incident_id, lad_code, site_id
    from episode_locations
    where role = 'missing_from'
),

lad_names as (
    select code as lad_code, name as lad_name
    from area_names('lad')
),

-- a LAD given by name: one code per name (two LADs never share one; min() keeps the grain if so)
lad_by_name as (
    select lower(trim(lad_name)) as name_key, min(lad_code) as lad_code
    from lad_names
    group by all
),

facts as (
    select
        e.*,
        -- the person at the report ---------------------------------------------------
        is_child(e.age_at_report)                           as is_child,
        child_adult(e.age_at_report)                        as child_adult,
        age_band(e.age_at_report)                           as age_band,
        gender_group(e.gender)                              as gender_group,
        ethnic_group(e.ethnicity)                           as ethnic_group,
        -- risk -------------------------------------------------------------------------
        e.risk                                              as risk_initial,
        highest_risk(e.risk, e.risk_highest)                as highest_risk,
        -- the episode ------------------------------------------------------------------
        duration_band(e.reported_at, e.found_at)            as duration_band,
        found_category(e.found_at, e.found_by)              as found_by_category,
        found_category(e.found_at, e.outcome)               as outcome_category,
        coalesce(e.missing_from_type, 'not_recorded')       as missing_from_category,
        care_setting(e.missing_from_type)                   as care_setting,
        coalesce(e.looked_after, false)                     as is_looked_after,
        case when e.looked_after then 'yes' when not e.looked_after then 'no'
             else 'not_recorded' end                        as looked_after_category,
        placement_type(e.missing_from_type)                 as placement_type,
        flag_codes(e.flag_cse, e.flag_cce, e.flag_trafficking, e.flag_mental_health,
                   e.flag_suicidal, e.flag_dementia, e.flag_learning_disability) as flag_list,
        coalesce(e.last_seen_at, e.reported_at)             as went_missing_at,
        -- places -------------------------------------------------------------------------
        g.lad_code,
        n.lad_name,
        g.site_id                                           as missing_from_site_id,
        coalesce(pc.lad_code, pn.lad_code)                  as placing_authority_code,
        coalesce(pc.lad_name, pnn.lad_name)                 as placing_authority_name
    from episodes e
    left join go_missing g on g.incident_id = e.incident_id
    left join lad_names n on n.lad_code = g.lad_code
    left join lad_names pc on pc.lad_code = upper(trim(e.placing_authority))
    left join lad_by_name pn on pn.name_key = lower(trim(e.placing_authority))
    left join lad_names pnn on pnn.lad_code = pn.lad_code
)

select *, array_to_string(flag_list, ';') as flags
from facts;
