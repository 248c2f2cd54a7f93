-- Reference geography imported by `misper reference import` (profiles/geo/reference.py).
-- Grain: one row per dataset file (ref_sources), postcode unit (ref_postcodes), partial postcode
-- (ref_postcode_partials), boundary feature per level and source (ref_boundaries), gazetteer entry
-- (ref_places), CQC care home (ref_care_homes), user-listed site (ref_user_sites).
-- Coordinates are British National Grid (EPSG:27700) metres with WGS84 alongside; boundary
-- geometries are WKB in EPSG:27700 (no DuckDB spatial extension: shapely reads them).
-- Every import replaces these tables whole; no parameters.

-- One row per file imported, with the attribution its licence requires.
create table if not exists ref_sources (
    source_id     varchar primary key,     -- kind + ':' + file path relative to the import folder
    kind          varchar not null,        -- codepoint | boundary | os_open_names | geonames | cqc | user_sites
    dataset       varchar,                 -- folder / dataset name, for people
    path          varchar not null,
    sha256        varchar,
    rows          bigint,
    detail        varchar,                 -- e.g. boundary level and detail score
    attribution   varchar not null,        -- text every report or file using it must carry
    import_id     varchar not null,
    imported_at   timestamptz not null
);

-- Key/value facts about the current reference import (e.g. import_id, used to invalidate caches).
create table if not exists ref_meta (
    key    varchar primary key,
    value  varchar
);

-- OS Code-Point Open postcode units, with areas assigned by point-in-polygon at import.
create table if not exists ref_postcodes (
    postcode      varchar primary key,     -- normalised: upper case, one space ("M1 1AE")
    quality       integer,                 -- Code-Point positional quality (10 best .. 60 sector mean, 90 none)
    easting       double,
    northing      double,
    lat           double,
    lon           double,
    country_code  varchar,
    cp_lad_code   varchar,                 -- Code-Point's own admin district code (DC)
    cp_ward_code  varchar,                 -- Code-Point's own ward code (WC)
    force_area    varchar,
    lad_code      varchar,
    ward_code     varchar,
    lsoa_code     varchar,
    source_id     varchar
);

-- Centroids of postcode sectors ("M1 1") and districts ("M1"), for partial postcodes.
create table if not exists ref_postcode_partials (
    code          varchar primary key,
    kind          varchar not null,        -- sector | district
    easting       double,
    northing      double,
    lat           double,
    lon           double,
    precision_m   double,                  -- 95th percentile distance of the units from the centroid
    units         integer,
    source        varchar                  -- codepoint (mean of units) | geonames (mean of places)
);

-- Boundary polygons; several sources may supply one level (the most detailed wins).
create table if not exists ref_boundaries (
    level         varchar not null,        -- pfa | lad | ward | lsoa | msoa
    code          varchar not null,        -- GSS code
    name          varchar,
    source_id     varchar not null,
    detail_rank   integer not null,        -- 1 = most detailed source of this level
    vertices      integer,
    geom_wkb      blob not null            -- EPSG:27700, valid (make_valid applied)
);

-- Local authority district -> police force area (largest overlap), derived at import.
create table if not exists ref_lad_pfa (
    lad_code       varchar primary key,
    pfa_code       varchar not null,
    overlap_share  double
);

-- Populated places from OS Open Names and GeoNames, for place-name geocoding.
create table if not exists ref_places (
    place_id           varchar,
    source             varchar not null,   -- os_open_names | geonames
    name               varchar not null,
    name_norm          varchar not null,
    local_type         varchar,            -- City, Town, Suburban Area, Village, Hamlet, Other Settlement, postal place
    easting            double,
    northing           double,
    lat                double,
    lon                double,
    precision_m        double,
    postcode_district  varchar,
    district_name      varchar,
    county_name        varchar,
    force_area         varchar,
    lad_code           varchar,
    source_id          varchar
);

-- CQC care homes (both directory shapes), LAD code repaired (the published area_code is malformed).
create table if not exists ref_care_homes (
    cqc_location_id  varchar,
    name             varchar not null,
    service_types    varchar,
    address          varchar,
    postcode         varchar,
    lad_code         varchar,
    lad_name         varchar,
    easting          double,
    northing         double,
    lat              double,
    lon              double,
    provider         varchar,
    vintage          varchar,              -- directory date (file name) for de-duplication
    source_id        varchar,
    source_row       bigint
);

-- User lists of other sites (children's homes, hospitals, mental-health units, supported accommodation).
create table if not exists ref_user_sites (
    site_ref         varchar not null,
    name             varchar,
    type             varchar not null,
    address          varchar,
    postcode         varchar,
    easting          double,
    northing         double,
    cqc_location_id  varchar,
    source_id        varchar,
    source_row       bigint
);

-- ONS mid-year population estimates (or a SYNTHETIC file in their layout), long form.
-- Grain: one row per area, sex and single year of age (90 = 90 and over, as ONS publishes).
create table if not exists ref_population (
    area_code      varchar not null,        -- GSS code (LAD)
    area_name      varchar,
    sex            varchar not null,        -- male | female
    age            integer not null,
    population     bigint not null,
    source_id      varchar
);
