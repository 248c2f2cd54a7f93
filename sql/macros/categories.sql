-- Categories of the field (DOMAIN.md, the UKMPU return), one definition for every report.
-- Grain: scalar macros, no table. Inputs: none. Parameters: none (macro arguments).
-- Installed on every connection (profiles.db.connect), read-only ones included.

create or replace temp macro child_adult(age) as
    case when age is null then 'unknown' when age < 18 then 'child' else 'adult' end;

create or replace temp macro age_band(age) as
    case when age is null then 'unknown'
         when age <= 11 then '0-11'
         when age <= 14 then '12-14'
         when age <= 17 then '15-17'
         when age <= 21 then '18-21'
         when age <= 39 then '22-39'
         when age <= 59 then '40-59'
         when age <= 79 then '60-79'
         else '80+' end;

create or replace temp macro gender_group(g) as
    case when g in ('male', 'female', 'other') then g else 'unknown' end;

-- Officer-defined IC codes grouped as the UKMPU tables group them.
create or replace temp macro ethnic_group(ic) as
    case ic
         when 'IC1' then 'white' when 'IC2' then 'white'
         when 'IC3' then 'black' when 'IC4' then 'asian'
         when 'IC5' then 'chinese_japanese_se_asian'
         when 'IC6' then 'middle_eastern'
         else 'other_unknown' end;

-- The higher of two risk grades (no_apparent_risk < low < medium < high).
create or replace temp macro highest_risk(a, b) as
    ['no_apparent_risk', 'low', 'medium', 'high'][
        greatest(
            coalesce(list_position(['no_apparent_risk', 'low', 'medium', 'high'], a), 0),
            coalesce(list_position(['no_apparent_risk', 'low', 'medium', 'high'], b), 0)
        )
    ];

-- Published duration bands, upper bounds inclusive, on elapsed time from report to found.
create or replace temp macro duration_band(reported, found) as
    case when found is null then 'still_missing'
         when epoch(found) - epoch(reported) <= 8 * 3600 then '0-8h'
         when epoch(found) - epoch(reported) <= 24 * 3600 then '8-24h'
         when epoch(found) - epoch(reported) <= 48 * 3600 then '24-48h'
         when epoch(found) - epoch(reported) <= 7 * 86400 then '2-7d'
         when epoch(found) - epoch(reported) <= 28 * 86400 then '7-28d'
         when epoch(found) - epoch(reported) <= 365 * 86400 then '28d-1y'
         else 'over_1y' end;

-- A code of a found episode, or not_recorded; still_missing when not found.
create or replace temp macro found_category(found, code) as
    case when found is null then 'still_missing' when code is null then 'not_recorded' else code end;

-- The vulnerability flags set on an episode, as codes in canonical order.
create or replace temp macro flag_codes(cse, cce, trafficking, mental_health, suicidal, dementia,
                                        learning_disability) as
    list_filter(
        [
            case when cse then 'cse' end,
            case when cce then 'cce' end,
            case when trafficking then 'trafficking' end,
            case when mental_health then 'mental_health' end,
            case when suicidal then 'suicidal' end,
            case when dementia then 'dementia' end,
            case when learning_disability then 'learning_disability' end
        ],
        lambda f: f is not null
    );
