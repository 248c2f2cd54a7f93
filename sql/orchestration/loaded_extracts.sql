-- Extract files already loaded, by content: the monthly flow skips a file whose exact bytes
-- a committed load has read (re-applying an older extract after a newer one would undo
-- the newer one's updates).
-- Grain: one row per SHA-256 given that some load's file had, with its first load.
-- Inputs: load_files.
-- Parameters: $sha256s (varchar[]): the SHA-256 of each candidate file.
select sha256, min(load_id) as load_id
from load_files
where list_contains($sha256s, sha256)
group by sha256
order by sha256;
