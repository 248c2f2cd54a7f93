-- Append one row to the delivery log.
-- Grain: one row per delivery attempt (see sql/schema/40_delivery.sql).
-- Inputs: delivery_log. Parameters: every column of delivery_log as $name.
insert into delivery_log (
    delivery_id, message_id, list_name, report, period, audience, lawful_basis,
    recipients, subject, marking, files, delivery_key, result, attempts, error,
    eml_path, logged_at
)
values (
    $delivery_id, $message_id, $list_name, $report, $period, $audience, $lawful_basis,
    $recipients, $subject, $marking, $files, $delivery_key, $result, $attempts, $error,
    $eml_path, $logged_at
);
