-- Staging: type and validate one load of care providers' unauthorised absences.
-- Grain: one row per input row (raw_load), valid or not.
-- Inputs: raw_load (absence columns as text, plus __file, __row, __seq, __extracted_at, __modified).
-- Parameters: $tz, $datetime_formats, $future_limit, $earliest, $map_flag.
-- Output: version_at (the row's modified column, else __extracted_at), typed columns, reasons, keep_raw, fingerprint (raw values), record_hash (typed values).

create or replace temp table staged as
with cleaned as (
    select
        __file, __row, __seq, __extracted_at,
        clean(__modified) as modified_raw,
        clean(absence_id) as absence_id_raw,
        clean(person_id) as person_id_raw,
        clean(site_ref) as site_ref_raw,
        clean(site_name) as site_name_raw,
        clean(started_at) as started_at_raw,
        clean(ended_at) as ended_at_raw,
        clean(reported_to_police) as reported_to_police_raw,
        clean(incident_id) as incident_id_raw
    from raw_load
),

typed as (
    select
        c.*,
        absence_id_raw as absence_id,
        person_id_raw as person_id,
        site_ref_raw as site_ref,
        site_name_raw as site_name,
        parse_ts(started_at_raw, $datetime_formats, $tz) as started_at,
        parse_ts(ended_at_raw, $datetime_formats, $tz) as ended_at,
        parse_bool(map_code(reported_to_police_raw, $map_flag)) as reported_to_police,
        incident_id_raw as incident_id
    from cleaned c
),

checked as (
    select
        t.*,
        list_filter([
            unread('modified time', modified_raw, parse_ts(modified_raw, $datetime_formats, $tz), 'not a date-time'),
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
)

select
    __file, __row, __seq,
    absence_id as record_key,
    -- the version's time: the row's modified column, else when the extract was taken
    coalesce(parse_ts(modified_raw, $datetime_formats, $tz), __extracted_at) as version_at,
    reasons,
    true as keep_raw,
    md5(concat_ws(chr(31),
        coalesce(absence_id_raw, chr(0)), coalesce(person_id_raw, chr(0)),
        coalesce(site_ref_raw, chr(0)), coalesce(site_name_raw, chr(0)),
        coalesce(started_at_raw, chr(0)), coalesce(ended_at_raw, chr(0)),
        coalesce(reported_to_police_raw, chr(0)), coalesce(incident_id_raw, chr(0))
    )) as fingerprint,
    md5(to_json(struct_pack(
        absence_id, person_id, site_ref, site_name, started_at, ended_at,
        reported_to_police, incident_id
    ))::varchar) as record_hash,
    absence_id, person_id, site_ref, site_name, started_at, ended_at, reported_to_police, incident_id
from checked;
