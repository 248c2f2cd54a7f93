-- Attribution lines for the reference data in use.
-- Grain: one row per distinct attribution text.
-- Inputs: ref_sources. Parameters: $kinds (varchar[] of dataset kinds, or null for all).
select attribution, min(kind) as kind
from ref_sources
where attribution <> ''
  and ($kinds is null or list_contains($kinds, kind))
group by attribution
order by min(kind), attribution
