-- Delivery log: every message misper sends (or would send, or failed to send).
-- Grain: one row per attempt to deliver one report of one period to one distribution list
--        (a retried SMTP transaction is one row; `attempts` counts the tries).
-- Inputs: written by profiles/delivery (sql/delivery/log_delivery.sql). Parameters: none.
-- This is the disclosure record (DOMAIN.md): what was sent (files + SHA-256), to whom
-- (recipients), when (logged_at), on what lawful basis. Rows are never updated or deleted.
create table if not exists delivery_log (
    delivery_id     varchar primary key,        -- uuid4 of this row
    message_id      varchar not null,           -- RFC 5322 Message-ID of the email
    list_name       varchar not null,           -- delivery.lists[].name
    report          varchar not null,           -- report kind, e.g. 'problem_profile'
    period          varchar not null,           -- 'YYYY-MM'
    audience        varchar not null,           -- police | partner | public
    lawful_basis    varchar not null,
    recipients      varchar[] not null,         -- email addresses the message went (or would go) to
    subject         varchar not null,
    marking         varchar not null,           -- protective marking in the subject
    files           struct(name varchar, sha256 varchar, bytes bigint)[] not null,
    delivery_key    varchar not null,           -- SHA-256 of list + period + report + file hashes
    result          varchar not null,           -- sent | failed | dry_run
    attempts        integer not null,           -- SMTP transactions tried (0 for a dry run)
    error           varchar,                    -- why it failed / recipients the server refused
    eml_path        varchar,                    -- the .eml written by a dry run
    logged_at       timestamptz not null
);
