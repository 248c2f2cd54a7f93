-- The local authorities of one police force area.
-- Grain: one row per LAD. Inputs: ref_lad_pfa. Parameters: $pfa_code.
select lad_code from ref_lad_pfa where pfa_code = $pfa_code order by lad_code
