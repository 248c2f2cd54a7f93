-- CQC care homes as register sites (adult care homes; CQC does not register children's homes).
-- Grain: one row per care home. Inputs: ref_care_homes. Parameters: none.
-- precision_m 100: CQC positions are postcode centroids.
select
    cast(null as varchar) as site_ref,
    name,
    'adult_care_home' as type,
    cqc_location_id,
    address,
    postcode,
    easting,
    northing,
    lad_code,
    'cqc' as source,
    100.0 as precision_m
from ref_care_homes
order by source_id, source_row
