-- Report: people_identify -- adds the raw person reference to a person-level frame (police audience only).
-- Grain: the rows of the registered relation people_frame, in its order (column _row).
-- Inputs: people_frame (a DataFrame registered by profiles.analysis.people.identify), person_identity.
-- Parameters: none.
select
    i.person_id,
    f.* exclude (person_key, _row)
from people_frame f
left join person_identity i on i.person_key = f.person_key
order by f._row;
