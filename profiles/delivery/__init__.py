"""Email delivery of rendered reports to distribution lists, with a delivery log.

Steps (each a plain function a flow task can wrap):
``plan_period`` finds and verifies each list's report bundle, ``deliver_one`` skips what
was already sent, sends (SMTP, STARTTLS, retries) or writes an .eml (dry run) and logs it;
``deliver_period`` runs them in order. See docs/delivery.md.
"""

from profiles.delivery.bundles import REPORT_KINDS, BundleError, ReportBundle, load_bundle
from profiles.delivery.log import delivery_log, find_sent, log_delivery
from profiles.delivery.message import build_message, html_to_text, write_eml
from profiles.delivery.plan import Delivery, delivery_key, plan_deliveries
from profiles.delivery.run import (
    DeliveryOutcome,
    DeliveryRun,
    deliver_one,
    deliver_period,
    plan_period,
    smtp_transport,
)
from profiles.delivery.smtp import SendResult, is_transient, send_with_retries, smtp_credentials

__all__ = [
    "REPORT_KINDS",
    "BundleError",
    "Delivery",
    "DeliveryOutcome",
    "DeliveryRun",
    "ReportBundle",
    "SendResult",
    "build_message",
    "deliver_one",
    "deliver_period",
    "delivery_key",
    "delivery_log",
    "find_sent",
    "html_to_text",
    "is_transient",
    "load_bundle",
    "log_delivery",
    "plan_deliveries",
    "plan_period",
    "send_with_retries",
    "smtp_credentials",
    "smtp_transport",
    "write_eml",
]
