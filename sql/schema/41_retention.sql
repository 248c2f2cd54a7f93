-- Retention (MoPI review): the weed log and what a weed keeps of a weeded episode.
-- Inputs: written by profiles/retention.py (sql/retention/*.sql). Parameters: none.

create sequence if not exists weed_id_seq start 1;

-- Grain: one row per weed that changed the database (dry runs are not logged: they change nothing).
create table if not exists weed_log (
    weed_id                 integer primary key,
    run_at                  timestamptz not null,
    as_of                   date not null,
    policy                  json not null,     -- RetentionConfig values and the cut-offs applied
    episodes                bigint not null,   -- episodes whose personal details went
    episode_history         bigint not null,   -- earlier versions of those episodes
    quarantine              bigint not null,   -- quarantined raw rows of those episodes/absences
    absences                bigint not null,
    absence_history         bigint not null,
    person_identity         bigint not null,   -- raw person references of people with nothing left
    locations_kept          bigint not null,   -- episode_locations rows kept past their episode
    locations_removed       bigint not null,   -- episode_locations rows that went
    incident_ids            varchar[] not null,  -- episodes weeded, sorted
    incident_ids_sha256     varchar not null,    -- SHA-256 of the sorted ids joined by newlines
    location_incident_ids   varchar[] not null   -- incidents whose locations went, sorted
);

-- Grain: one row per weeded episode whose geocoded locations are still kept
-- (people return to the same places). Only the pseudonymised person_key and the local date
-- the episode was resolved remain; the row goes when its locations go.
create table if not exists weeded_episodes (
    incident_id     varchar primary key,
    person_key      varchar not null,          -- keyed hash; the raw reference is not kept
    resolved_on     date not null,             -- found_at as a Europe/London date
    weed_id         integer not null
);
