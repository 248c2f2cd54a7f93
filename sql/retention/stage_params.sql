-- Parameters of one weed, staged as a one-row temp table so the multi-statement scripts
-- below (which cannot take bound parameters) read them from here.
-- Grain: one row. Inputs: none.
-- Parameters: $as_of (date), $review_cutoff (timestamptz: resolved before this are weeded),
--             $locations_cutoff_day (date: locations of episodes resolved before this go).
create or replace temp table weed_params as
select
    $as_of::date                    as as_of,
    $review_cutoff::timestamptz     as review_cutoff,
    $locations_cutoff_day::date     as locations_cutoff_day,
    null::integer                   as weed_id;
