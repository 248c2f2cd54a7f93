-- Classify every row of a staged load: duplicate, quarantined, loaded, updated, unchanged or stale.
-- Grain: one row per input row (staged); load_outcomes holds only the outcome of each, and the
-- view load_classified joins it back to staged (a copy of the whole load would double the memory).
-- Inputs: staged (from stg_<type>.sql: record_key, reasons, keep_raw, fingerprint, record_hash, __seq),
--         current_records (record_key, record_hash, version_at of what the database holds).
-- Parameters: $key_name (the key column's name, for the message).
-- Rules: a row repeating an earlier row of the same load exactly (same fingerprint) is a
-- duplicate; rows of one load sharing a key but differing are all quarantined rather than
-- guessed between; a valid row is loaded (new key), unchanged (same hash), stale (different,
-- but older by version_at than the version held: never applied) or updated.

create or replace temp table load_outcomes as
with ranked as (
    select s.__seq, s.record_key, s.reasons, s.record_hash, s.version_at,
           row_number() over (partition by s.fingerprint order by s.__seq) as copy_number
    from staged s
),

conflicts as (
    select record_key, count(*) as versions
    from ranked
    where copy_number = 1 and record_key is not null
    group by record_key
    having count(*) > 1
)

select
    r.__seq,
    case
        when r.copy_number > 1 then r.reasons
        when c.record_key is not null then list_append(
            r.reasons,
            printf('%s: conflicting versions in this load (''%s'' appears %d times with different values)',
                   $key_name, r.record_key, c.versions))
        else r.reasons
    end as all_reasons,
    case
        when r.copy_number > 1 then 'duplicate'
        when c.record_key is not null or len(r.reasons) > 0 then 'quarantined'
        when cur.record_key is null then 'loaded'
        when cur.record_hash = r.record_hash then 'unchanged'
        when r.version_at < cur.version_at then 'stale'
        else 'updated'
    end as load_outcome
from ranked r
left join conflicts c on c.record_key = r.record_key
left join current_records cur on cur.record_key = r.record_key;

create or replace temp view load_classified as
select s.*, o.all_reasons, o.load_outcome
from staged s
join load_outcomes o on o.__seq = s.__seq;
