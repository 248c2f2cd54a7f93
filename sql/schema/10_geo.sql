-- Geography: geocoded locations of episodes and the sites register.
-- Owned by profiles/geo. Reference tables (postcodes, boundaries, gazetteers) are in 11_reference.sql.

-- Grain: one row per episode per role ('missing_from' | 'found').
-- method: override | coordinates | site | postcode | place | partial_postcode | online | unmatched
-- confidence: 0..1; precision_m: radius in metres within which the true point should lie.
create table if not exists episode_locations (
    incident_id     varchar not null,
    role            varchar not null,
    input_key       varchar,              -- normalised input (cache key)
    easting         double,               -- EPSG:27700
    northing        double,
    lat             double,               -- EPSG:4326, for maps
    lon             double,
    method          varchar not null,
    confidence      double,
    precision_m     double,
    force_area      varchar,              -- PFA code
    lad_code        varchar,
    ward_code       varchar,
    lsoa_code       varchar,
    site_id         varchar,              -- sites.site_id when matched to a known site
    outside_force   boolean,
    geocoded_at     timestamptz,
    primary key (incident_id, role)
);

-- Grain: one row per known location (care setting or other repeat location).
-- sensitive = true for children's homes: name, address and precise position are police-only.
-- status: 'register' (known) | 'candidate' (repeated location matching no site, for review).
create table if not exists sites (
    site_id          varchar primary key,
    site_ref         varchar,             -- the force's own reference, if any
    name             varchar,
    type             varchar,             -- missing_from_type codes (childrens_home, adult_care_home, ...)
    cqc_location_id  varchar,
    address          varchar,
    postcode         varchar,
    easting          double,
    northing         double,
    lat              double,
    lon              double,
    lad_code         varchar,
    ward_code        varchar,
    lsoa_code        varchar,
    sensitive        boolean not null default false,
    source           varchar,             -- cqc | user_list | candidate | sample
    status           varchar not null default 'register'
);

-- Grain: one row per distinct normalised location input (the cache key), for the current reference.
-- Rows are dropped when the reference data or the sites register change (ref_meta.import_id).
create table if not exists geocode_cache (
    input_key       varchar primary key,
    easting         double,
    northing        double,
    lat             double,
    lon             double,
    method          varchar not null,
    confidence      double,
    precision_m     double,
    force_area      varchar,
    lad_code        varchar,
    ward_code       varchar,
    lsoa_code       varchar,
    site_id         varchar,
    matched_text    varchar,              -- what matched (postcode, place name, site name) for review
    geocoded_at     timestamptz
);

-- Manual positions entered by an analyst; they win over every other step and survive re-runs.
create table if not exists geocode_overrides (
    incident_id     varchar not null,
    role            varchar not null,     -- missing_from | found
    easting         double not null,      -- EPSG:27700
    northing        double not null,
    note            varchar,
    entered_at      timestamptz not null,
    primary key (incident_id, role)
);

-- Grain: one row per episode: the version (record_hash) and reference import last geocoded.
create table if not exists episode_geocode_state (
    incident_id     varchar primary key,
    record_hash     varchar not null,
    import_id       varchar,
    overrides_hash  varchar,
    geocoded_at     timestamptz
);
