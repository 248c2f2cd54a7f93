-- Rows a weed removes (or keeps) per table.
-- Grain: one row. Inputs: the temp tables of stage_plan.sql and the tables they name.
-- Parameters: none.
select
    (select count(*) from weed_episodes)                                     as episodes,
    (select count(*) from episode_history
       where incident_id in (select incident_id from weed_episodes))         as episode_history,
    (select count(*) from quarantine q
       where (q.record_type = 'episode'
              and trim(q.record_key) in (select incident_id from weed_episodes))
          or (q.record_type = 'absence'
              and trim(q.record_key) in (select absence_id from weed_absences)))  as quarantine,
    (select count(*) from weed_absences)                                     as absences,
    (select count(*) from absence_history
       where absence_id in (select absence_id from weed_absences))           as absence_history,
    (select count(*) from weed_persons)                                      as person_identity,
    (select count(*) from episode_locations
       where incident_id in (select incident_id from weed_episodes where keep_locations))
                                                                             as locations_kept,
    (select count(*) from episode_locations
       where incident_id in (select incident_id from weed_locations))        as locations_removed;
