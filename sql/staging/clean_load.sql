-- Staging, first for every record type: each column of a load as clean text, the row's fingerprint
-- and the version's time.
-- Grain: cleaned_load(datetime_formats, tz) gives one row per input row of raw_load (__seq).
-- Inputs: raw_load (the record type's columns as text, in its column order (profiles/ingest/records.py),
--         plus __file, __row, __seq, __extracted_at, __modified: the row's own modified time as
--         text when the mapping names a modified_column).
-- Parameters: none (the macro takes the mapping's $datetime_formats and $tz as its arguments).
-- Makes: the temp table macro cleaned_load, read by staging/stg_<type>.sql.

create or replace temp macro cleaned_load(datetime_formats, tz) as table
select
    COLUMNS(lambda c: not ends_with(c, '_text')),
    -- of the raw values: equal fingerprints = exact duplicate rows (classify_load.sql)
    md5(concat_ws(chr(31), *COLUMNS('_text$'))) as fingerprint
from (
    select
        __file, __row, __seq,
        -- every column of the record type as <column>_raw (blank = not given), in its column order
        clean(COLUMNS('^[a-z]\w*$')) as '\0_raw',
        -- ... and as text for the fingerprint only, chr(0) when not given
        coalesce(clean(COLUMNS('^[a-z]\w*$')), chr(0)) as '\0_text',
        -- the version's time: the row's modified column, else when the extract was taken
        coalesce(parse_ts(clean(__modified), datetime_formats, tz), __extracted_at) as version_at,
        unread('modified time', clean(__modified), parse_ts(clean(__modified), datetime_formats, tz),
               'not a date-time') as modified_reason
    from raw_load
);
