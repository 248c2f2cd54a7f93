-- Read OS Code-Point Open CSVs (no header; PC, PQ, EA, NO, CY, RH, LH, CC, DC, WC).
-- Grain: one row per postcode unit (the first file wins when two files repeat a postcode).
-- Inputs: the CSV files. Parameters: $files (varchar[] of paths).
with raw as (
    select *
    from read_csv($files, header = false, quote = '"', filename = true, all_varchar = true,
                  names = ['pc', 'pq', 'ea', 'no', 'cy', 'rh', 'lh', 'cc', 'dc', 'wc'])
),
typed as (
    select
        replace(upper(trim(pc)), ' ', '') as compact,
        try_cast(pq as integer) as quality,
        try_cast(ea as double) as easting,
        try_cast("no" as double) as northing,
        nullif(trim(cy), '') as country_code,
        nullif(trim(dc), '') as cp_lad_code,
        nullif(trim(wc), '') as cp_ward_code,
        filename
    from raw
)
select
    left(compact, length(compact) - 3) || ' ' || right(compact, 3) as postcode,
    quality,
    -- quality 90 = no coordinates; (0, 0) is how the file writes none
    case when quality = 90 or (easting = 0 and northing = 0) then null else easting end as easting,
    case when quality = 90 or (easting = 0 and northing = 0) then null else northing end as northing,
    country_code, cp_lad_code, cp_ward_code, filename
from typed
where regexp_full_match(compact, '[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}')
qualify row_number() over (partition by compact order by filename) = 1
