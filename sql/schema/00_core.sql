-- Core schema: loads, quarantine, episodes (current and history), restricted identities.
-- Grain: episodes = one row per person per missing episode (incident_id).
-- Applied on every writable connection; every statement is idempotent.

create sequence if not exists load_id_seq start 1;

-- One row per load (one `misper ingest` call, possibly several files).
create table if not exists load_log (
    load_id        integer primary key,
    record_type    varchar not null,          -- 'episode' | 'absence'
    started_at     timestamptz not null,
    finished_at    timestamptz,
    mapping        varchar,
    files          varchar[],
    rows_read      bigint,
    loaded         bigint,
    updated        bigint,
    unchanged      bigint,
    quarantined    bigint,
    duplicates     bigint,
    status         varchar not null           -- 'committed' | 'refused'
);

-- One row per file of a load, with its SHA-256 and its own reconciliation.
create table if not exists load_files (
    load_id        integer not null,
    file           varchar not null,
    sha256         varchar not null,
    bytes          bigint,
    rows_read      bigint,
    loaded         bigint,
    updated        bigint,
    unchanged      bigint,
    quarantined    bigint,
    duplicates     bigint
);

-- Rows that failed validation: file, row number (1 = first data row) and every reason.
create table if not exists quarantine (
    load_id        integer not null,
    record_type    varchar not null,
    file           varchar not null,
    file_sha256    varchar not null,          -- the same row of the same file is kept once
    row_number     bigint not null,           -- 1 = first data row after the header
    record_key     varchar,                   -- incident_id / absence_id as given
    reasons        varchar[] not null,
    raw            json                        -- the row as read (police-restricted)
);

-- Raw person references: only police-audience outputs may join to this.
create table if not exists person_identity (
    person_key     varchar primary key,       -- keyed hash (HMAC-SHA256) of person_id
    person_id      varchar not null
);

create table if not exists episodes (
    incident_id                 varchar primary key,
    person_key                  varchar not null,
    reported_at                 timestamptz not null,
    last_seen_at                timestamptz,
    found_at                    timestamptz,
    date_of_birth               date,
    age_at_report               integer,
    gender                      varchar not null,
    ethnicity                   varchar,
    risk                        varchar not null,
    risk_highest                varchar,          -- never below risk (max of the two)
    missing_from_type           varchar,
    missing_from_address        varchar,
    missing_from_postcode       varchar,          -- normalised: upper case, one space
    missing_from_easting        double,           -- as given (BNG metres, or WGS84 lon)
    missing_from_northing       double,           -- as given (BNG metres, or WGS84 lat)
    found_address               varchar,
    found_postcode              varchar,
    found_easting               double,
    found_northing              double,
    found_by                    varchar,
    outcome                     varchar,
    flag_cse                    boolean,
    flag_cce                    boolean,
    flag_trafficking            boolean,
    flag_mental_health          boolean,
    flag_suicidal               boolean,
    flag_dementia               boolean,
    flag_learning_disability    boolean,
    looked_after                boolean,
    placing_authority           varchar,
    responsible_la              varchar,
    return_interview_offered_at timestamptz,
    return_interview_done_at    timestamptz,
    calls                       integer,
    site_ref                    varchar,
    reason                      varchar,          -- free text: police audience only
    -- lineage
    record_hash                 varchar not null, -- hash of the canonical values above
    first_load_id               integer not null,
    last_load_id                integer not null,
    source_file                 varchar,
    source_row                  bigint
);

-- Every earlier version of an updated episode, with the load that replaced it.
create table if not exists episode_history as
    select e.*, 0::integer as superseded_by_load, now()::timestamptz as superseded_at
    from episodes e where false;

-- Unauthorised absences shared by care providers (reported to police or not).
-- Grain: one row per absence (absence_id).
create table if not exists absences (
    absence_id          varchar primary key,
    person_key          varchar not null,
    site_ref            varchar,
    site_name           varchar,
    started_at          timestamptz not null,
    ended_at            timestamptz,
    reported_to_police  boolean not null,
    incident_id         varchar,
    record_hash         varchar not null,
    first_load_id       integer not null,
    last_load_id        integer not null,
    source_file         varchar,
    source_row          bigint
);

create table if not exists absence_history as
    select a.*, 0::integer as superseded_by_load, now()::timestamptz as superseded_at
    from absences a where false;

-- Versions by the extract's own time (issue 14.1): each record keeps the time of the extract
-- (or of its row's last-modified column) that gave its current version, and a load never
-- replaces it with an older one. A stale row goes to history with history_status 'stale'.
-- Added by ALTER so that a database made before them gains them.
alter table episodes add column if not exists version_at timestamptz;
alter table absences add column if not exists version_at timestamptz;
alter table episode_history add column if not exists version_at timestamptz;
alter table absence_history add column if not exists version_at timestamptz;
-- 'superseded' (replaced by a newer version) | 'stale' (an older version, never applied)
alter table episode_history add column if not exists history_status varchar default 'superseded';
alter table absence_history add column if not exists history_status varchar default 'superseded';
alter table load_log add column if not exists stale bigint default 0;
alter table load_files add column if not exists stale bigint default 0;
-- when the file's extract was taken, and how that is known (name, workbook, modification time)
alter table load_files add column if not exists extracted_at timestamptz;
alter table load_files add column if not exists extracted_from varchar;
