-- Record the raw person reference behind each new person key of a load (police-restricted).
-- Grain: one row per person_key (person_identity). Inputs: person_keys (staging/person_keys.sql: person_id -> person_key,
-- the keyed hash of this load's people). Parameters: none. Run before every merge_<type>.sql.
insert into person_identity
select distinct k.person_key, k.person_id
from person_keys k
where k.person_key not in (select person_key from person_identity);
