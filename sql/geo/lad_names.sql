-- LAD codes and names from the imported boundaries (to repair CQC area codes by name).
-- Grain: one row per LAD code. Inputs: ref_boundaries. Parameters: none.
select code, any_value(name) as name from ref_boundaries where level = 'lad' group by code
