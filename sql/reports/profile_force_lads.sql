-- Problem profile: the local authorities of the force, for maps.
-- Grain: one row per LAD code. Inputs: ref_lad_pfa (sql/schema/11_reference.sql). Parameters: $pfa_code.
select lad_code from ref_lad_pfa where pfa_code = $pfa_code order by lad_code
