-- Staging: type and validate one load of care providers' unauthorised absences.
-- Grain: one row per input row (raw_load), valid or not.
-- Inputs: cleaned_load (staging/clean_load.sql, run first: the absence columns of raw_load as
--         <column>_raw text, plus __file, __row, __seq, version_at, modified_reason and fingerprint).
-- Parameters: $tz, $datetime_formats, $future_limit, $earliest, $map_flag.
-- Output: version_at (the row's modified column, else __extracted_at), typed columns, reasons, keep_raw, fingerprint (raw values), record_hash (typed values).

create or replace temp table staged as
with typed as (
    select
        c.*,
        absence_id_raw as absence_id,
        person_id_raw as person_id,
        site_ref_raw as site_ref,
        site_name_raw as site_name,
        parse_ts(started_at_raw, $datetime_formats, $tz) as started_at,
        parse_ts(ended_at_raw, $datetime_formats, $tz) as ended_at,
        read_flag(reported_to_police_raw, $map_flag) as reported_to_police,
        incident_id_raw as incident_id
    from cleaned_load($datetime_formats, $tz) c
),

checked as (
    select
        t.*,
        list_filter([
            modified_reason,
            case when absence_id is null then 'absence_id: required' end,
            case when person_id is null then 'person_id: required' end,
            case when started_at_raw is null then 'started_at: required' end,
            case when reported_to_police_raw is null then 'reported_to_police: required' end,
            unread('started_at', started_at_raw, started_at, 'not a date-time'),
            unread('ended_at', ended_at_raw, ended_at, 'not a date-time'),
            unread('reported_to_police', reported_to_police_raw, reported_to_police, 'not Y/N'),
            case when ended_at < started_at then 'ended_at: before started_at' end,
            in_future('started_at', started_at, $future_limit),
            in_future('ended_at', ended_at, $future_limit),
            case when started_at < $earliest::timestamptz
                 then printf('started_at: before %s', $earliest::varchar) end,
            case when incident_id is not null and reported_to_police = false
                 then 'incident_id: given for an absence not reported to police' end
        ], lambda x: x is not null) as reasons
    from typed t
),

kept as (
    select
        __file, __row, __seq,
        absence_id as record_key,
        version_at,
        reasons,
        true as keep_raw,
        fingerprint,
        -- typed values (person_key is added at merge)
        absence_id, person_id, site_ref, site_name, started_at, ended_at, reported_to_police, incident_id
    from checked
)

select
    *,
    -- of the typed values (every column of kept after fingerprint)
    md5(to_json(struct_pack(*COLUMNS(* exclude (__file, __row, __seq, record_key, version_at, reasons, keep_raw,
                                                fingerprint))))::varchar) as record_hash
from kept;
