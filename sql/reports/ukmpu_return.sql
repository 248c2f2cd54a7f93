-- UKMPU annual data return, long form: one row per table x child_adult x gender x category.
-- Grain: (table, child_adult, gender, category); `all` where a table does not break a
--   dimension down; rows with no incidents are not produced.
-- Inputs: episodes (sql/schema/00_core.sql).
-- Parameters: $year_start, $year_end (timestamptz; the financial year 1 April to 1 April,
--   London time, half-open on reported_at).
-- Measures: calls = sum of episodes.calls where recorded; incidents = episodes;
--   individuals = distinct person_key among the row's incidents. T11 counts persons by
--   their number of incidents, within each child_adult group apart.
with in_year as (
    select *
    from episodes
    where reported_at >= $year_start and reported_at < $year_end
),

classified as (
    select
        incident_id,
        person_key,
        coalesce(calls, 0) as calls,
        -- people -------------------------------------------------------------
        case when age_at_report is null then 'unknown'
             when age_at_report < 18 then 'child' else 'adult' end as child_adult,
        case when gender in ('male', 'female', 'other') then gender else 'unknown' end as gender,
        case when age_at_report is null then 'unknown'
             when age_at_report <= 11 then '0-11'
             when age_at_report <= 14 then '12-14'
             when age_at_report <= 17 then '15-17'
             when age_at_report <= 21 then '18-21'
             when age_at_report <= 39 then '22-39'
             when age_at_report <= 59 then '40-59'
             when age_at_report <= 79 then '60-79'
             else '80+' end as age_band,
        case ethnicity
             when 'IC1' then 'white' when 'IC2' then 'white'
             when 'IC3' then 'black' when 'IC4' then 'asian'
             when 'IC5' then 'chinese_japanese_se_asian'
             when 'IC6' then 'middle_eastern'
             else 'other_unknown' end as ethnic_group,
        -- the episode ----------------------------------------------------------
        risk,
        case when found_at is null then 'still_missing'
             when outcome is null then 'not_recorded'
             else outcome end as outcome_category,
        -- bands with inclusive upper bounds, on elapsed seconds
        case when found_at is null then 'still_missing'
             when epoch(found_at) - epoch(reported_at) <= 8 * 3600 then '0-8h'
             when epoch(found_at) - epoch(reported_at) <= 24 * 3600 then '8-24h'
             when epoch(found_at) - epoch(reported_at) <= 48 * 3600 then '24-48h'
             when epoch(found_at) - epoch(reported_at) <= 7 * 86400 then '2-7d'
             when epoch(found_at) - epoch(reported_at) <= 28 * 86400 then '7-28d'
             when epoch(found_at) - epoch(reported_at) <= 365 * 86400 then '28d-1y'
             else 'over_1y' end as duration_band,
        case when found_at is null then 'still_missing'
             when found_by is null then 'not_recorded'
             else found_by end as found_by_category,
        case when missing_from_type in ('childrens_home', 'foster_care', 'adult_care_home', 'hospital',
                                        'mental_health_unit', 'supported_accommodation')
             then missing_from_type end as care_type,
        found_at is null or found_at >= $year_end as open_at_year_end,
        [
            case when flag_cse then 'cse' end,
            case when flag_cce then 'cce' end,
            case when flag_trafficking then 'trafficking' end,
            case when flag_mental_health then 'mental_health' end,
            case when flag_suicidal then 'suicidal' end,
            case when flag_dementia then 'dementia' end,
            case when flag_learning_disability then 'learning_disability' end
        ] as flags
    from in_year
),

-- one row per incident per table cell it counts in ----------------------------------
incident_cells as (
    select 'T01' as "table", child_adult, 'all' as gender, 'all' as category, incident_id, person_key, calls from classified
    union all
    select 'T02', child_adult, gender, 'all', incident_id, person_key, calls from classified
    union all
    select 'T03', 'all', gender, age_band, incident_id, person_key, calls from classified
    union all
    select 'T04', child_adult, 'all', ethnic_group, incident_id, person_key, calls from classified
    union all
    select 'T05', child_adult, gender, risk, incident_id, person_key, calls from classified
    union all
    select 'T06', child_adult, gender, flag, incident_id, person_key, calls
    from (select *, unnest(flags) as flag from classified)
    where flag is not null
    union all
    select 'T07', child_adult, 'all', outcome_category, incident_id, person_key, calls from classified
    union all
    select 'T08', child_adult, 'all', duration_band, incident_id, person_key, calls from classified
    union all
    select 'T09', child_adult, 'all', found_by_category, incident_id, person_key, calls from classified
    union all
    select 'T10', child_adult, 'all', care_type, incident_id, person_key, calls from classified
    where care_type is not null
    union all
    select 'T12', child_adult, 'all', 'all', incident_id, person_key, calls from classified
    where open_at_year_end
),

incident_tables as (
    select
        "table", child_adult, gender, category,
        sum(calls)::bigint as calls,
        count(distinct incident_id)::bigint as incidents,
        count(distinct person_key)::bigint as individuals
    from incident_cells
    group by all
),

-- T11: each person's incidents within one child_adult group --------------------------
person_counts as (
    select child_adult, person_key, count(*) as n, sum(calls) as calls
    from classified
    group by all
),

repeat_table as (
    select
        'T11' as "table", child_adult, 'all' as gender,
        case when n = 1 then '1' when n = 2 then '2' when n <= 5 then '3-5'
             when n <= 10 then '6-10' when n <= 20 then '11-20' else '21+' end as category,
        sum(calls)::bigint as calls,
        sum(n)::bigint as incidents,
        count(*)::bigint as individuals
    from person_counts
    group by all
)

select "table", child_adult, gender, category, calls, incidents, individuals from incident_tables
union all
select "table", child_adult, gender, category, calls, incidents, individuals from repeat_table
