-- A delimited text file as text columns, read by DuckDB's own CSV reader (profiles/ingest/readers.py).
-- Grain: one row per data row of the file (the header row skipped).
-- Inputs: the file at $path (UTF-8, RFC 4180 quoting: "" is a quote inside a quoted value).
-- Parameters: $path; $delimiter (one character); $columns (name -> 'VARCHAR' for the header's
--   columns and one column more); $nullstr (a value no field holds, so that an empty field reads
--   as '' and only a missing one as null); $parallel (false when a quoted value holds a line
--   break: DuckDB's parallel reader cannot pad rows then).
-- The column more and null_padding make a row's field count visible: a row with a field too few
-- has a null among the header's columns, and a row with a field too many (even an empty one,
-- which the reader would otherwise drop as a trailing delimiter) has a value in the last column.
-- Every other fault (a stray quote, an over-long line, text that is not UTF-8) is an error.
select *
from read_csv(
    $path,
    delim = $delimiter, quote = '"', escape = '"',
    header = true, columns = $columns, auto_detect = false,
    strict_mode = true, null_padding = true, nullstr = $nullstr, parallel = $parallel
);
