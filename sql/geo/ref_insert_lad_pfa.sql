-- Store the derived LAD -> police force area map.
-- Grain: one row per LAD. Inputs: registered frame _ref_lad_pfa_in. Parameters: none.
insert into ref_lad_pfa by name select lad_code, pfa_code, overlap_share from _ref_lad_pfa_in
