-- UKMPU annual data return, long form: one row per table x child_adult x gender x category.
-- Grain: (table, child_adult, gender, category); `all` where a table does not break a
--   dimension down; rows with no incidents are not produced.
-- Inputs: episode_facts() (sql/marts/episode_facts.sql: every category is computed there).
-- Parameters: $year_start, $year_end (timestamptz; the financial year 1 April to 1 April,
--   London time, half-open on reported_at).
-- Measures: calls = sum of episodes.calls where recorded; incidents = episodes;
--   individuals = distinct person_key among the row's incidents. T11 counts persons by
--   their number of incidents, within each child_adult group apart.
with in_year as (
    select *
    from episode_facts()
    where reported_at >= $year_start and reported_at < $year_end
),

classified as (
    select
        incident_id,
        person_key,
        coalesce(calls, 0) as calls,
        -- people -------------------------------------------------------------
        child_adult,
        gender_group as gender,
        age_band,
        ethnic_group,
        -- the episode ----------------------------------------------------------
        risk_initial as risk,
        outcome_category,
        duration_band,
        found_by_category,
        care_setting as care_type,
        open_at(reported_at, found_at, $year_end) as open_at_year_end,
        flag_list as flags
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

-- each person's incidents in a cell, then the cell: an incident is in a cell at most once
-- (one row per incident; its flags are distinct), and two plain group-bys cost less than
-- count(distinct)
person_cells as (
    select "table", child_adult, gender, category, person_key, sum(calls) as calls, count(*) as incidents
    from incident_cells
    group by all
),

incident_tables as (
    select
        "table", child_adult, gender, category,
        sum(calls)::bigint as calls,
        sum(incidents)::bigint as incidents,
        count(*)::bigint as individuals
    from person_cells
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
