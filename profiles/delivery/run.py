"""Deliver one period's reports to every distribution list: plan, skip, send or write, log.

Each step is a small function a flow task can wrap: ``plan_deliveries`` (reads and
verifies bundles), ``deliver_one`` (one list's message: skip if already sent, else send or
write the .eml, then log). ``deliver_period`` runs them in order for the CLI.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from datetime import datetime

import duckdb

from profiles.config import Settings, SmtpConfig
from profiles.delivery.log import PreviousSend, find_sent, log_delivery
from profiles.delivery.message import build_message, eml_name, write_eml
from profiles.delivery.plan import Delivery, plan_deliveries
from profiles.delivery.smtp import Credentials, send_with_retries, smtp_credentials, tls_context
from profiles.periods import Month


@dataclass
class DeliveryOutcome:
    list_name: str
    report: str
    audience: str
    #: sent | failed | dry_run | skipped (already sent; not logged again)
    result: str
    recipients: list[str]
    message_id: str | None = None
    attempts: int = 0
    error: str | None = None
    eml_path: str | None = None
    previous: PreviousSend | None = None
    #: SHA-256 of the PDF attached (or that would have been).
    document_sha256: str | None = None

    def line(self) -> str:
        who = f"{self.list_name} ({self.audience}, {len(self.recipients)} recipient(s))"
        if self.result == "sent":
            extra = f" - {self.error}" if self.error else ""
            return f"sent     {self.report} to {who} in {self.attempts} attempt(s){extra}"
        if self.result == "dry_run":
            return f"dry run  {self.report} for {who}: {self.eml_path}"
        if self.result == "skipped":
            when = self.previous.logged_at.isoformat(timespec="minutes") if self.previous else "earlier"
            return f"skipped  {self.report} to {who}: already sent {when} (forced, it would be sent again)"
        return f"FAILED   {self.report} to {who}: {self.error}"


@dataclass
class DeliveryRun:
    period: str
    dry_run: bool
    outcomes: list[DeliveryOutcome] = field(default_factory=list)

    @property
    def failed(self) -> list[DeliveryOutcome]:
        return [o for o in self.outcomes if o.result == "failed"]

    def count(self, result: str) -> int:
        return sum(1 for o in self.outcomes if o.result == result)

    def summary_text(self) -> str:
        head = f"Delivery for {self.period}{' (dry run)' if self.dry_run else ''}: " + ", ".join(
            f"{self.count(r)} {r.replace('_', ' ')}" for r in ("sent", "dry_run", "skipped", "failed")
        )
        return "\n".join([head, *("  " + o.line() for o in self.outcomes)])

    def markdown(self) -> str:
        """Who was sent what, as a Markdown table (for a flow run's artifact)."""
        rows = [
            f"# Delivery for {self.period}{' (dry run)' if self.dry_run else ''}",
            "",
            "| list | audience | report | result | recipients | attempts | PDF SHA-256 | error |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for o in self.outcomes:
            cells = [o.list_name, o.audience, o.report, o.result, ", ".join(o.recipients),
                     str(o.attempts), (o.document_sha256 or "")[:16], o.error or ""]
            rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        return "\n".join(rows) + "\n"


@dataclass(frozen=True)
class Transport:
    """Resolved SMTP settings for one run (credentials and TLS context made once)."""

    smtp: SmtpConfig
    credentials: Credentials | None
    context: ssl.SSLContext | None


def smtp_transport(settings: Settings) -> Transport:
    smtp = settings.delivery.smtp
    if smtp.ca_file is not None:
        smtp = smtp.model_copy(update={"ca_file": settings.resolve(smtp.ca_file)})
    return Transport(
        smtp=smtp,
        credentials=smtp_credentials(smtp),
        context=tls_context(smtp) if smtp.starttls else None,
    )


def plan_period(settings: Settings, period: str, list_name: str | None = None) -> list[Delivery]:
    """Every delivery of ``period`` (YYYY-MM), each bundle verified; raises before any send."""
    label = Month.parse(period).label
    return plan_deliveries(
        settings.delivery.lists, output_dir=settings.output_dir, period=label, list_name=list_name
    )


def deliver_one(
    con: duckdb.DuckDBPyConnection, delivery: Delivery, settings: Settings, *, dry_run: bool = False,
    force: bool = False, transport: Transport | None = None, now: datetime | None = None,
) -> DeliveryOutcome:
    """Skip (already sent), write the .eml (dry run) or send; log every message made."""
    outcome = DeliveryOutcome(
        list_name=delivery.list_name,
        report=delivery.bundle.kind.name,
        audience=delivery.audience,
        result="skipped",
        recipients=delivery.emails,
        document_sha256=delivery.bundle.document.sha256,
    )
    previous = find_sent(con, delivery)
    if previous is not None and not force:
        outcome.previous = previous
        return outcome

    msg = build_message(
        delivery,
        sender=settings.delivery.smtp.sender,
        force_name=settings.force.name,
        synthetic=settings.force.synthetic,
        now=now,
    )
    outcome.message_id = str(msg["Message-ID"])
    subject = str(msg["Subject"])

    if dry_run:
        path = write_eml(msg, settings.resolve(settings.delivery.outbox_dir), eml_name(delivery))
        outcome.result, outcome.eml_path = "dry_run", str(path)
        log_delivery(con, delivery, message_id=outcome.message_id, subject=subject,
                     result="dry_run", attempts=0, eml_path=str(path), logged_at=now)
        return outcome

    transport = transport or smtp_transport(settings)
    sent = send_with_retries(msg, delivery.emails, transport.smtp,
                             credentials=transport.credentials, context=transport.context)
    outcome.attempts = sent.attempts
    if sent.sent:
        outcome.result = "sent"
        outcome.recipients = [e for e in delivery.emails if e not in sent.refused]
        if sent.refused:
            outcome.error = "refused by the server: " + "; ".join(
                f"{addr}: {why}" for addr, why in sent.refused.items()
            )
    else:
        outcome.result, outcome.error = "failed", sent.error
    log_delivery(con, delivery, message_id=outcome.message_id, subject=subject,
                 result=outcome.result, attempts=sent.attempts, recipients=outcome.recipients,
                 error=outcome.error, logged_at=now)
    return outcome


def deliver_period(
    con: duckdb.DuckDBPyConnection, settings: Settings, period: str, *, dry_run: bool = False, force: bool = False,
    list_name: str | None = None,
) -> DeliveryRun:
    """Send (or, dry run, write) every list's reports for ``period``; nothing is sent twice.

    Every bundle is verified before the first message goes. A message that cannot be
    delivered is logged as failed and reported in the run; the others still go.
    """
    deliveries = plan_period(settings, period, list_name)
    transport = None if dry_run else smtp_transport(settings)
    run = DeliveryRun(period=Month.parse(period).label, dry_run=dry_run)
    for delivery in deliveries:
        run.outcomes.append(
            deliver_one(con, delivery, settings, dry_run=dry_run, force=force, transport=transport)
        )
    return run
