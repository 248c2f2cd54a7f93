-- The person key of each person in a classified load: 'PK-' and the first 20 hex characters of
-- HMAC-SHA256(key, person_id) (RFC 2104: H(outer_pad || H(inner_pad || message))).
-- Grain: one row per person_id of the load's loaded, updated and stale rows (person_keys).
-- Inputs: load_classified (staging/classify_load.sql).
-- Parameters: $inner_pad, $outer_pad (blobs: the key's pads, profiles/ingest/pseudonymise.py).
-- Read by staging/person_identity.sql and staging/load_versions.sql.
create or replace temp table person_keys as
select
    person_id,
    'PK-' || left(sha256($outer_pad || unhex(sha256($inner_pad || encode(person_id)))), 20) as person_key
from (
    select distinct person_id
    from load_classified
    where load_outcome in ('loaded', 'updated', 'stale')
);
