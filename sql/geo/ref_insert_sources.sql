-- Record the imported files with their attribution.
-- Grain: one row per file. Inputs: the registered frame _ref_sources_in. Parameters: none.
insert into ref_sources by name select * from _ref_sources_in
