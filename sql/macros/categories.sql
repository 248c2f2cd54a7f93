-- Categories of the field (DOMAIN.md, the UKMPU return), one definition for every report.
-- Grain: scalar macros, no table. Inputs: none. Parameters: none (macro arguments).
-- Installed on every connection (profiles.db.connect), read-only ones included.
-- Each rule is written here once. The list macros (`age_bands()`, `risk_order()`, ...) give the
-- categories in display order; profiles/categories.py reads them, so Python never repeats them,
-- and tests/test_categories.py holds each list equal to what its classifying macro returns.

-- A child: under 18 at the time of the report (DOMAIN.md). Null when the age is unknown.
create or replace temp macro is_child(age) as age < 18;

create or replace temp macro child_adult(age) as
    case when age is null then 'unknown' when is_child(age) then 'child' else 'adult' end;

create or replace temp macro child_adult_groups() as ['child', 'adult', 'unknown'];

create or replace temp macro age_bands() as
    ['0-11', '12-14', '15-17', '18-21', '22-39', '40-59', '60-79', '80+', 'unknown'];

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

-- Children of the two oldest child bands (journeys of older children, places_found_journeys).
create or replace temp macro is_child_12_17(age) as age_band(age) in ('12-14', '15-17');

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

-- Risk grades from the least to the most serious. Legacy `absent` is mapped to no_apparent_risk
-- at ingest (profiles.canonical.RISK_ALIASES), so the database holds only these four.
create or replace temp macro risk_order() as ['no_apparent_risk', 'low', 'medium', 'high'];

-- 1 (no apparent risk) .. 4 (high); null for anything else. Most serious first: order by it desc.
create or replace temp macro risk_rank(r) as list_position(risk_order(), r);

create or replace temp macro risk_of_rank(n) as risk_order()[n];

-- The higher of two risk grades (no_apparent_risk < low < medium < high).
create or replace temp macro highest_risk(a, b) as
    risk_of_rank(greatest(coalesce(risk_rank(a), 0), coalesce(risk_rank(b), 0)));

-- The most serious grade of a group of grades (an aggregate over rows).
create or replace temp macro max_risk(r) as risk_of_rank(max(risk_rank(r)));

-- Published duration bands, upper bounds inclusive, on elapsed time from report to found
-- (real seconds between the two instants, so a clock change counts).
create or replace temp macro duration_band(reported, found) as
    case when found is null then 'still_missing'
         when epoch(found) - epoch(reported) <= 8 * 3600 then '0-8h'
         when epoch(found) - epoch(reported) <= 24 * 3600 then '8-24h'
         when epoch(found) - epoch(reported) <= 48 * 3600 then '24-48h'
         when epoch(found) - epoch(reported) <= 7 * 86400 then '2-7d'
         when epoch(found) - epoch(reported) <= 28 * 86400 then '7-28d'
         when epoch(found) - epoch(reported) <= 365 * 86400 then '28d-1y'
         else 'over_1y' end;

create or replace temp macro duration_bands() as
    ['0-8h', '8-24h', '24-48h', '2-7d', '7-28d', '28d-1y', 'over_1y', 'still_missing'];

-- Open at a moment: reported before it and not found before it (found exactly at the moment
-- counts as still open then). The one definition for every "still missing" count.
create or replace temp macro open_at(reported, found, moment) as
    reported < moment and (found is null or found >= moment);

-- How long an open episode has been open at a moment: real elapsed time from the report (a
-- clock change counts), upper bounds inclusive. 72 hours is the UKMPU notification threshold.
create or replace temp macro open_band(reported, moment) as
    case when epoch(moment) - epoch(reported) <= 24 * 3600 then '0-24h'
         when epoch(moment) - epoch(reported) <= 72 * 3600 then '24-72h'
         when epoch(moment) - epoch(reported) <= 28 * 86400 then '3-28d'
         when epoch(moment) - epoch(reported) <= 365 * 86400 then '28d-1y'
         else 'over_1y' end;

create or replace temp macro open_bands() as ['0-24h', '24-72h', '3-28d', '28d-1y', 'over_1y'];

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

-- The vulnerability flag codes in canonical order (the order flag_codes() returns them in).
create or replace temp macro flag_order() as
    flag_codes(true, true, true, true, true, true, true);

-- A list of flag codes (any order, repeats allowed) in canonical order, each once.
create or replace temp macro canonical_flags(codes) as
    list_filter(flag_order(), lambda f: list_contains(codes, f));

-- Looked-after placements (issue 11): the three placement settings, else other.
create or replace temp macro placement_types() as
    ['childrens_home', 'foster_care', 'supported_accommodation', 'other'];

create or replace temp macro placement_type(missing_from_type) as
    case when list_contains(placement_types(), missing_from_type) and missing_from_type <> 'other'
         then missing_from_type else 'other' end;

-- Who placed a looked-after child (placements report): a LAD of the force area, another LAD, or
-- a placing authority empty or matching no LAD.
create or replace temp macro placed_by_codes() as ['in_area', 'out_of_area', 'not_recorded'];

-- Return home interview themes (canonical column rhi_themes: ';'-separated codes from this list).
create or replace temp macro rhi_theme_codes() as
    ['conflict_at_home', 'peer_relationships', 'exploitation_concern', 'substance_use', 'mental_health',
     'school', 'placement_unhappy', 'contact_with_family', 'boredom', 'other'];

-- Care settings (UKMPU table T10); null for any other setting.
create or replace temp macro care_settings() as
    ['childrens_home', 'foster_care', 'adult_care_home', 'hospital', 'mental_health_unit',
     'supported_accommodation'];

create or replace temp macro care_setting(missing_from_type) as
    case when list_contains(care_settings(), missing_from_type) then missing_from_type end;
