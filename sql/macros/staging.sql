-- Macros for typing and validating text extracts (staging).
-- Grain: scalar helpers, no table. Inputs: none. Parameters: none (values come as macro arguments).
-- Installed on every connection (profiles.db.connect), with the other files in sql/macros/.

-- Empty or blank text is "not given".
create or replace temp macro clean(v) as nullif(trim(v), '');

-- True when a date-time text carries its own UTC offset (Z, +01:00, -0500).
create or replace temp macro has_offset(v) as
    regexp_matches(v, '\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|z|[+-]\d{2}(:?\d{2})?)$');

-- A date-time: its own offset if given, else local wall-clock time in zone tz.
-- ISO 8601 is always accepted; fmts are the mapping's strptime formats (never empty).
create or replace temp macro parse_ts(v, fmts, tz) as
    case
        when v is null then null
        when has_offset(v) then try_cast(v as timestamptz)
        else timezone(tz, coalesce(try_cast(v as timestamp), try_strptime(v, fmts)))
    end;

create or replace temp macro parse_date(v, fmts) as
    case when v is null then null
         else coalesce(try_cast(v as date), try_strptime(v, fmts)::date,
                       try_cast(try_cast(v as timestamp) as date)) end;

create or replace temp macro parse_bool(v) as
    case when lower(v) in ('y', 'yes', 'true', 't', '1') then true
         when lower(v) in ('n', 'no', 'false', 'f', '0') then false end;

-- A whole number, accepting "15" and "15.0".
create or replace temp macro parse_int(v) as
    case when try_cast(v as double) = floor(try_cast(v as double))
              and abs(try_cast(v as double)) < 2e9
         then try_cast(try_cast(v as double) as integer) end;

create or replace temp macro parse_num(v) as
    case when isfinite(try_cast(v as double)) then try_cast(v as double) end;

-- Postcodes: upper case, single spaces; a full unit gets its one space before the inward code.
-- Full units, sectors ("M1 1") and districts ("M1") are valid; anything else is not.
create or replace temp macro pc_squash(v) as upper(regexp_replace(trim(v), '\s+', '', 'g'));
create or replace temp macro pc_spaced(v) as upper(regexp_replace(trim(v), '\s+', ' ', 'g'));
create or replace temp macro pc_is_unit(v) as
    regexp_matches(pc_squash(v), '^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][ABD-HJLNP-UW-Z]{2}$');
create or replace temp macro pc_is_partial(v) as
    regexp_matches(pc_spaced(v), '^[A-Z]{1,2}[0-9][A-Z0-9]?( [0-9])?$');
create or replace temp macro norm_postcode(v) as
    case when v is null then null
         -- already a full unit as written (most are): one match instead of five
         when regexp_full_match(v, '[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][ABD-HJLNP-UW-Z]{2}') then v
         when pc_is_unit(v) then left(pc_squash(v), length(pc_squash(v)) - 3) || ' ' || right(pc_squash(v), 3)
         when pc_is_partial(v) then pc_spaced(v) end;

-- A reason to refuse a row: a value given (raw) that could not be read as ``what`` (parsed is
-- null), e.g. "found_at: not a date-time ('31/02/2024')"; null when it passes.
create or replace temp macro unread(field, raw, parsed, what) as
    case when raw is not null and parsed is null then printf('%s: %s (''%s'')', field, what, raw) end;

-- A reason to refuse a row: a code (after the mapping) outside its list; null when it passes.
create or replace temp macro unknown_code(field, code, codes, raw) as
    case when code is not null and not list_contains(codes, code)
         then printf('%s: unknown code ''%s''', field, raw) end;

-- A reason to refuse a row: a time (or date) after the limit; null when it passes.
create or replace temp macro in_future(field, v, limit_) as
    case when v > limit_ then field || ': in the future' end;

-- Coordinates inside Great Britain: BNG metres, or WGS84 degrees (either order).
create or replace temp macro in_gb_degrees(lon, lat) as
    lon between -8.75 and 1.85 and lat between 49.8 and 60.95;
create or replace temp macro coords_in_gb(x, y) as
    case when abs(x) <= 180 and abs(y) <= 180
         then in_gb_degrees(x, y) or in_gb_degrees(y, x)
         else x between 0 and 700000 and y between 0 and 1300000 end;

-- Why a pair of coordinates (role: missing_from or found) is refused, in the order the reasons
-- are listed: not numbers, one without the other, outside Great Britain (nulls where it passes).
create or replace temp macro coordinate_reasons(role, e_raw, n_raw, e, n) as [
    case when (e_raw is not null and e is null) or (n_raw is not null and n is null)
         then printf('%s_easting/northing: not numbers (''%s'', ''%s'')', role, coalesce(e_raw, ''), coalesce(n_raw, '')) end,
    case when (e_raw is null) <> (n_raw is null)
         then printf('%s_easting/northing: one given without the other', role) end,
    case when e is not null and n is not null and not coords_in_gb(e, n)
         then printf('%s_easting/northing: outside Great Britain (%s, %s)', role, e_raw, n_raw) end
];

-- A code through the mapping's code table (keys lower case), else the value itself.
create or replace temp macro map_code(v, m) as
    case when v is null then null
         else nullif(coalesce(map_from_entries(m)[lower(v)], lower(v)), '') end;

-- A Y/N flag through the mapping's flag codes (m).
create or replace temp macro read_flag(v, m) as parse_bool(map_code(v, m));

-- The shape of a value, for showing a format without the value (digits 9, letters A):
-- '31/12/2024 10:00' -> '99/99/9999 99:99'. Used by `misper ingest --check`.
create or replace temp macro value_shape(v) as
    left(regexp_replace(regexp_replace(trim(v), '[0-9]', '9', 'g'), '[^0-9\s[:punct:]]', 'A', 'g'), 30);
