-- The latest successful send of the same report, period, list and file hashes, if any.
-- Grain: at most one row (a delivery_log row with result = 'sent').
-- Inputs: delivery_log. Parameters: $delivery_key (SHA-256 of list + period + report + file hashes).
select message_id, logged_at, recipients
from delivery_log
where delivery_key = $delivery_key
  and result = 'sent'
order by logged_at desc
limit 1;
