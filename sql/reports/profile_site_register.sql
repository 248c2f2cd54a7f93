-- Problem profile: the sites register as the report labels it.
-- Grain: one row per site. Inputs: sites. Parameters: none.
-- sensitive is true for children's homes and for candidate sites (a repeated location matching
-- no register entry may be a private address): both are anonymised outside the police audience.
select
    site_id, site_ref, name, type, postcode, easting, northing, lad_code,
    coalesce(sensitive, true) or status <> 'register' as sensitive,
    status
from sites
order by site_id
