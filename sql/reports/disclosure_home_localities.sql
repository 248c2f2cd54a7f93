-- Where each sensitive site (every children's home) is, in the words an output could use:
-- its ward's name, its postcode sector ("BL5 3") and the nearest gazetteer place (as a
-- cluster beside it is described). No partner or public file may put these
-- beside a sensitive site's label (the last check before writing, profiles.disclosure.check_files).
-- Grain: one row per (kind, value). Inputs: sites, ref_boundaries, ref_places (may be empty).
-- Parameters: none.
select distinct 'home_ward' as kind, b.name as value
from sites s
join ref_boundaries b on b.level = 'ward' and b.code = s.ward_code
where s.sensitive and b.name is not null
  and lower(b.name) not in (select lower(name) from ref_boundaries where level = 'lad' and name is not null)
union all
select distinct 'home_sector', regexp_extract(upper(trim(s.postcode)), '^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9])[A-Z]{2}$', 1)
    || ' ' || regexp_extract(upper(trim(s.postcode)), '^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9])[A-Z]{2}$', 2)
from sites s
where s.sensitive and regexp_matches(upper(trim(s.postcode)), '^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9])[A-Z]{2}$')
union all
select distinct 'home_place', home_place
from (
    select arg_min(p.name, (p.easting - s.easting) ^ 2 + (p.northing - s.northing) ^ 2) as home_place
    from sites s
    cross join ref_places p
    where s.sensitive and s.easting is not null and s.northing is not null
      and p.easting is not null and p.northing is not null and p.name is not null
    group by s.site_id
)
where home_place is not null
  -- a place that is also a local authority's name ("Bolton") says no more than the label does
  and lower(home_place) not in (select lower(name) from ref_boundaries where level = 'lad' and name is not null)
