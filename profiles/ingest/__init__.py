"""Safe ingestion: every row read is loaded, updated, unchanged, quarantined or a duplicate.

- ``preflight``: what is checked before a load starts (headers against the mapping); light,
  so that a refusal costs under a second.
- ``plan``: a file's headers resolved against the mapping, and when the extract was taken.
- ``readers``: files read into all-text Arrow tables; ``mapping``: the mapping files.
- ``load``: ``ingest_files``, the load itself (typed, validated and merged in sql/staging/).
- ``check``: ``--check``, a load validated without loading.

This package file imports nothing, so that ``profiles.ingest.preflight`` stays light.
"""
