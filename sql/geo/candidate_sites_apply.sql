-- Apply the current candidate sites: drop the ones no longer supported (unlinking their
-- episodes), add new ones, link go-missing locations at each candidate's point.
-- Grain: sites (status 'candidate') and episode_locations.site_id.
-- Inputs: registered frame _candidates_in (site_id, location_key, ...), episodes. Parameters: none.
update episode_locations set site_id = null
where site_id like 'CAND-%' and site_id not in (select site_id from _candidates_in);
delete from sites
where status = 'candidate' and site_id not in (select site_id from _candidates_in);
insert into sites by name
select site_id, null as site_ref, name, type, null as cqc_location_id, address, postcode,
       easting, northing, lat, lon, lad_code, ward_code, lsoa_code,
       true as sensitive, 'candidate' as source, 'candidate' as status
from _candidates_in
where site_id not in (select site_id from sites);
update episode_locations as l set site_id = c.site_id
from _candidates_in c, episodes e
where e.incident_id = l.incident_id
  and l.role = 'missing_from'
  and l.site_id is null
  and l.method in ('coordinates', 'postcode', 'override')
  and c.location_key = case when l.method = 'postcode' and e.missing_from_postcode is not null
                            then 'pc:' || e.missing_from_postcode
                            else printf('%.0f,%.0f', round(l.easting / 10) * 10, round(l.northing / 10) * 10)
                       end;
