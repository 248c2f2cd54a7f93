-- Store boundary features (WKB, EPSG:27700).
-- Grain: one row per feature per source. Inputs: registered frame _ref_boundaries_in. Parameters: none.
insert into ref_boundaries by name
select level, code, name, source_id, detail_rank, vertices, geom_wkb::blob as geom_wkb
from _ref_boundaries_in
