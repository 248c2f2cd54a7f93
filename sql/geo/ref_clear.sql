-- Empty every reference table before an import replaces them (one transaction with the loads).
-- Grain: n/a. Inputs: the ref_* tables. Parameters: none.
delete from ref_sources;
delete from ref_postcodes;
delete from ref_postcode_partials;
delete from ref_boundaries;
delete from ref_lad_pfa;
delete from ref_places;
delete from ref_care_homes;
delete from ref_user_sites;
delete from ref_population;
