-- Staging: type and validate one load of the canonical incident extract.
-- Grain: one row per input row (raw_load), valid or not.
-- Inputs: cleaned_load (staging/clean_load.sql, run first: every canonical column of raw_load as
--         <column>_raw text after the mapping's renames, plus __file, __row = data row number in
--         its file, __seq = order in the load, version_at, modified_reason and fingerprint);
--         weed_log (episodes weeded under the retention policy are not loaded again).
-- Parameters: $tz, $datetime_formats, $date_formats, $future_limit (timestamptz),
--   $earliest (date), $max_age, code lists ($gender_codes, $ethnicity_codes, $risk_codes,
--   $missing_from_codes, $found_by_codes, $outcome_codes, $rhi_theme_codes) and code tables
--   ($map_gender, $map_ethnicity, $map_risk, $map_missing_from_type, $map_found_by,
--   $map_outcome, $map_rhi_themes, $map_flag) as lists of {k, v} (keys lower case).
-- rhi_themes: ';'-separated codes, each mapped through $map_rhi_themes, kept once each in the
--   order of $rhi_theme_codes; a code outside the list is a reason. Empty when none given.
-- Output: version_at (the row's modified column, else __extracted_at), typed columns, reasons (list of text; empty = valid), keep_raw (whether quarantine
--   may keep the row as read), fingerprint (of the raw values, from cleaned_load), record_hash (of the typed values).

create or replace temp table staged as
with weeded as (
    select distinct unnest(incident_ids) as incident_id from weed_log
),

typed as (
    select
        c.*,
        w.incident_id is not null as was_weeded,
        -- identity --------------------------------------------------------------
        incident_id_raw as incident_id,
        person_id_raw as person_id,
        -- times -------------------------------------------------------------------
        parse_ts(reported_at_raw, $datetime_formats, $tz) as reported_at,
        parse_ts(last_seen_at_raw, $datetime_formats, $tz) as last_seen_at,
        parse_ts(found_at_raw, $datetime_formats, $tz) as found_at,
        parse_ts(return_interview_offered_at_raw, $datetime_formats, $tz) as return_interview_offered_at,
        parse_ts(return_interview_done_at_raw, $datetime_formats, $tz) as return_interview_done_at,
        parse_date(date_of_birth_raw, $date_formats) as date_of_birth,
        parse_int(age_raw) as age_given,
        -- codes -------------------------------------------------------------------
        map_code(gender_raw, $map_gender) as gender,
        upper(map_code(ethnicity_raw, $map_ethnicity)) as ethnicity,
        map_code(risk_raw, $map_risk) as risk,
        map_code(risk_highest_raw, $map_risk) as risk_highest_given,
        map_code(missing_from_type_raw, $map_missing_from_type) as missing_from_type,
        map_code(found_by_raw, $map_found_by) as found_by,
        map_code(outcome_raw, $map_outcome) as outcome,
        -- places ------------------------------------------------------------------
        missing_from_address_raw as missing_from_address,
        norm_postcode(missing_from_postcode_raw) as missing_from_postcode,
        parse_num(missing_from_easting_raw) as missing_from_easting,
        parse_num(missing_from_northing_raw) as missing_from_northing,
        found_address_raw as found_address,
        norm_postcode(found_postcode_raw) as found_postcode,
        parse_num(found_easting_raw) as found_easting,
        parse_num(found_northing_raw) as found_northing,
        -- flags -------------------------------------------------------------------
        read_flag(flag_cse_raw, $map_flag) as flag_cse,
        read_flag(flag_cce_raw, $map_flag) as flag_cce,
        read_flag(flag_trafficking_raw, $map_flag) as flag_trafficking,
        read_flag(flag_mental_health_raw, $map_flag) as flag_mental_health,
        read_flag(flag_suicidal_raw, $map_flag) as flag_suicidal,
        read_flag(flag_dementia_raw, $map_flag) as flag_dementia,
        read_flag(flag_learning_disability_raw, $map_flag) as flag_learning_disability,
        read_flag(looked_after_raw, $map_flag) as looked_after,
        -- other -------------------------------------------------------------------
        placing_authority_raw as placing_authority,
        responsible_la_raw as responsible_la,
        parse_int(calls_raw) as calls,
        site_ref_raw as site_ref,
        reason_raw as reason,
        list_transform(
            list_filter(string_split(rhi_themes_raw, ';'), lambda x: trim(x) <> ''),
            lambda x: map_code(trim(x), $map_rhi_themes)
        ) as rhi_theme_list
    from cleaned_load($datetime_formats, $tz) c
    left join weeded w on w.incident_id = c.incident_id_raw
),

derived as (
    select
        t.*,
        coalesce(
            case when date_of_birth is not null and reported_at is not null
                 then date_part('year', age(reported_at::date, date_of_birth))::integer end,
            age_given
        ) as age_at_report,
        -- the themes in the canonical order, each once; null when none
        nullif(array_to_string(
            list_filter($rhi_theme_codes, lambda c: list_contains(rhi_theme_list, c)), ';'), '') as rhi_themes,
        -- the highest grade is never below the initial one
        case
            when risk_highest_given is null or not list_contains($risk_codes, risk_highest_given) then risk
            when risk is null or not list_contains($risk_codes, risk) then risk_highest_given
            when list_position($risk_codes, risk_highest_given) < list_position($risk_codes, risk)
                then risk_highest_given
            else risk
        end as risk_highest
    from typed t
),

checked as (
    select
        d.*,
        list_filter([
            modified_reason,
            -- required fields
            case when incident_id is null then 'incident_id: required' end,
            case when was_weeded then 'incident_id: weeded under the retention policy; not loaded again' end,
            case when person_id is null then 'person_id: required' end,
            case when reported_at_raw is null then 'reported_at: required' end,
            case when gender_raw is null then 'gender: required' end,
            case when risk_raw is null then 'risk: required' end,
            case when date_of_birth_raw is null and age_raw is null
                 then 'date_of_birth/age: one of them is required' end,
            -- parseable values
            unread('reported_at', reported_at_raw, reported_at, 'not a date-time'),
            unread('last_seen_at', last_seen_at_raw, last_seen_at, 'not a date-time'),
            unread('found_at', found_at_raw, found_at, 'not a date-time'),
            unread('return_interview_offered_at', return_interview_offered_at_raw, return_interview_offered_at, 'not a date-time'),
            unread('return_interview_done_at', return_interview_done_at_raw, return_interview_done_at, 'not a date-time'),
            unread('date_of_birth', date_of_birth_raw, date_of_birth, 'not a date'),
            unread('age', age_raw, age_given, 'not a whole number'),
            case when calls_raw is not null and (calls is null or calls < 0)
                 then printf('calls: not a count (''%s'')', calls_raw) end,
            -- order and plausibility of dates
            case when found_at < reported_at then 'found_at: before reported_at' end,
            in_future('reported_at', reported_at, $future_limit),
            in_future('last_seen_at', last_seen_at, $future_limit),
            in_future('found_at', found_at, $future_limit),
            in_future('return_interview_offered_at', return_interview_offered_at, $future_limit),
            in_future('return_interview_done_at', return_interview_done_at, $future_limit),
            in_future('date_of_birth', date_of_birth, $future_limit::date),
            case when reported_at < $earliest::timestamptz
                 then printf('reported_at: before %s', $earliest::varchar) end,
            -- plausible ages
            case when date_of_birth is not null and reported_at is not null and date_of_birth > reported_at::date
                 then 'date_of_birth: after reported_at' end,
            case when age_at_report is not null and (age_at_report < 0 or age_at_report > $max_age)
                 then printf('age: implausible (%d)', age_at_report) end,
            -- known codes
            unknown_code('gender', gender, $gender_codes, gender_raw),
            unknown_code('ethnicity', ethnicity, $ethnicity_codes, ethnicity_raw),
            unknown_code('risk', risk, $risk_codes, risk_raw),
            unknown_code('risk_highest', risk_highest_given, $risk_codes, risk_highest_raw),
            unknown_code('missing_from_type', missing_from_type, $missing_from_codes, missing_from_type_raw),
            unknown_code('found_by', found_by, $found_by_codes, found_by_raw),
            unknown_code('outcome', outcome, $outcome_codes, outcome_raw),
            unread('flag_cse', flag_cse_raw, flag_cse, 'not Y/N'),
            unread('flag_cce', flag_cce_raw, flag_cce, 'not Y/N'),
            unread('flag_trafficking', flag_trafficking_raw, flag_trafficking, 'not Y/N'),
            unread('flag_mental_health', flag_mental_health_raw, flag_mental_health, 'not Y/N'),
            unread('flag_suicidal', flag_suicidal_raw, flag_suicidal, 'not Y/N'),
            unread('flag_dementia', flag_dementia_raw, flag_dementia, 'not Y/N'),
            unread('flag_learning_disability', flag_learning_disability_raw, flag_learning_disability, 'not Y/N'),
            unread('looked_after', looked_after_raw, looked_after, 'not Y/N'),
            case when len(list_filter(rhi_theme_list, lambda x: not list_contains($rhi_theme_codes, x))) > 0
                 then printf('rhi_themes: unknown code(s) ''%s''', array_to_string(
                     list_filter(rhi_theme_list, lambda x: not list_contains($rhi_theme_codes, x)), ';')) end,
            -- postcode format
            unread('missing_from_postcode', missing_from_postcode_raw, missing_from_postcode, 'not a postcode'),
            unread('found_postcode', found_postcode_raw, found_postcode, 'not a postcode')
        ] || coordinate_reasons('missing_from', missing_from_easting_raw, missing_from_northing_raw,
                                missing_from_easting, missing_from_northing)
          || coordinate_reasons('found', found_easting_raw, found_northing_raw, found_easting, found_northing),
        lambda x: x is not null) as reasons
    from derived d
),

kept as (
    select
        __file, __row, __seq,
        incident_id as record_key,
        version_at,
        reasons,
        not was_weeded as keep_raw,  -- a weeded episode's row is not kept again, even in quarantine
        fingerprint,
        -- typed canonical values (person_key is added at merge)
        incident_id, person_id, reported_at, last_seen_at, found_at, date_of_birth, age_at_report,
        gender, ethnicity, risk, risk_highest, missing_from_type,
        missing_from_address, missing_from_postcode, missing_from_easting, missing_from_northing,
        found_address, found_postcode, found_easting, found_northing, found_by, outcome,
        flag_cse, flag_cce, flag_trafficking, flag_mental_health, flag_suicidal, flag_dementia,
        flag_learning_disability, looked_after, placing_authority, responsible_la,
        return_interview_offered_at, return_interview_done_at, calls, site_ref, reason, rhi_themes
    from checked
)

select
    *,
    -- of the typed values (every column of kept after fingerprint), rhi_themes apart so that a row
    -- without themes keeps its hash
    md5(to_json(struct_pack(*COLUMNS(* exclude (__file, __row, __seq, record_key, version_at, reasons, keep_raw,
                                                fingerprint, rhi_themes))))::varchar
        || coalesce(chr(31) || rhi_themes, '')) as record_hash
from kept;
