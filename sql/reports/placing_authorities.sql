-- Report: placing_authorities -- looked-after children reported missing, by the authority that placed them.
-- Grain: one row per (placing_authority_code, placed_by); the code is empty for not_recorded.
-- Inputs: placed_children() (sql/marts/placements.sql).
-- Parameters: $period_start, $period_end (the period, half-open, London time); $pfa_code (the force).
-- placing_authority_name: the reference boundaries' name of the LAD (area_names()).
select
    placing_authority_code,
    placing_authority_name,
    placed_by,
    count(*)                            as incidents,
    count(distinct person_key)          as individuals
from placed_children($period_start, $period_end, $pfa_code)
group by placing_authority_code, placing_authority_name, placed_by
order by list_position(placed_by_codes(), placed_by), incidents desc,
         placing_authority_code
