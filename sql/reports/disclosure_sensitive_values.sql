-- Values from the input that no partner or public file may contain (the last check before writing).
-- An address that is only the name of a registered site that is not sensitive (a hospital, an
-- adult care home: public registers name them) is not a leak when the report names that site.
-- Grain: one row per (kind, value) (union: a name given by two sources is one row). Inputs: person_identity, episodes, sites, absences.
-- Parameters: $window_start, $period_end (timestamptz): free text and addresses are taken from
--   episodes reported in this window (what a report of the period can show); person references,
--   dates of birth and children's-home names from the whole database.
select 'person_id' as kind, person_id as value from person_identity
union
select distinct 'date_of_birth', strftime(date_of_birth, '%Y-%m-%d') from episodes where date_of_birth is not null
union
select distinct 'home_name', name from sites where sensitive and name is not null
union
select distinct 'address', address from sites where sensitive and address is not null
union
select distinct 'home_name', site_name from absences where site_name is not null
union
select distinct 'address', missing_from_address from episodes
where missing_from_address is not null and reported_at >= $window_start and reported_at < $period_end
  and lower(trim(missing_from_address)) not in (
      select lower(trim(name)) from sites where not sensitive and name is not null)
union
select distinct 'address', found_address from episodes
where found_address is not null and reported_at >= $window_start and reported_at < $period_end
  and lower(trim(found_address)) not in (
      select lower(trim(name)) from sites where not sensitive and name is not null)
union
select distinct 'free_text', reason from episodes
where reason is not null and reported_at >= $window_start and reported_at < $period_end
