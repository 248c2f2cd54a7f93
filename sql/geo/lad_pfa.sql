-- Local authority -> police force area map derived at import.
-- Grain: one row per LAD. Inputs: ref_lad_pfa. Parameters: none.
select lad_code, pfa_code, overlap_share from ref_lad_pfa
