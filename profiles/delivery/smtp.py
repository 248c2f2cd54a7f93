"""SMTP transport: STARTTLS, credentials from the environment, retries on transient errors.

A transient error (connection refused or dropped, timeout, a 4xx reply) is retried up to
``smtp.retries`` more times, waiting ``retry_delay_seconds`` and doubling; a permanent one
(5xx reply, failed authentication, STARTTLS not offered, certificate not trusted) is not.
"""

from __future__ import annotations

import os
import smtplib
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage

from profiles.config import ConfigError, SmtpConfig

_LOOPBACK = {"localhost", "127.0.0.1", "::1"}


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str = field(repr=False)


@dataclass
class SendResult:
    """What happened to one message."""

    sent: bool
    attempts: int
    #: Recipients the server refused while accepting the others: {email: "code message"}.
    refused: dict[str, str] = field(default_factory=dict)
    error: str | None = None


def smtp_credentials(cfg: SmtpConfig, environ: Mapping[str, str] | None = None) -> Credentials | None:
    """Credentials from ``cfg.user_env`` / ``cfg.password_env``; None when no user is set.

    Refuses a user without a password, and credentials without STARTTLS to a remote host
    (they would cross the network in clear).
    """
    env = os.environ if environ is None else environ
    user = env.get(cfg.user_env, "")
    password = env.get(cfg.password_env, "")
    if not user:
        if password:
            raise ConfigError(f"SMTP: {cfg.password_env} is set but {cfg.user_env} is not")
        return None
    if not password:
        raise ConfigError(f"SMTP: {cfg.user_env} is set but {cfg.password_env} is not")
    if not cfg.starttls and cfg.host not in _LOOPBACK:
        raise ConfigError(
            f"SMTP: refusing to send credentials to {cfg.host} without STARTTLS "
            "(set delivery.smtp.starttls: true)"
        )
    return Credentials(user, password)


def tls_context(cfg: SmtpConfig) -> ssl.SSLContext:
    """Verifying TLS context; ``cfg.ca_file`` adds a private CA (a force's own mail relay)."""
    try:
        return ssl.create_default_context(cafile=str(cfg.ca_file) if cfg.ca_file else None)
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(f"delivery.smtp.ca_file: cannot load {cfg.ca_file}: {exc}") from None


def is_transient(exc: BaseException) -> bool:
    """Worth retrying: the server or network may accept the message a little later."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return False  # e.g. STARTTLS not offered: sending in clear is not an option
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(exc, ssl.SSLError):
        return False  # certificate or protocol problem: retrying will not fix it
    if isinstance(exc, (TimeoutError, ConnectionError, OSError)):
        return True
    return False


def describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "all recipients refused: " + "; ".join(
            f"{addr}: {code} {_text(msg)}" for addr, (code, msg) in exc.recipients.items()
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{type(exc).__name__}: {exc.smtp_code} {_text(exc.smtp_error)}"
    return f"{type(exc).__name__}: {exc}"


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def send_once(
    msg: EmailMessage,
    recipients: list[str],
    cfg: SmtpConfig,
    *,
    credentials: Credentials | None,
    context: ssl.SSLContext | None,
) -> dict[str, str]:
    """One SMTP transaction; returns the recipients refused while others were accepted."""
    with smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout_seconds) as smtp:
        smtp.ehlo()
        if cfg.starttls:
            smtp.starttls(context=context)
            smtp.ehlo()
        if credentials is not None:
            smtp.login(credentials.user, credentials.password)
        refused = smtp.send_message(msg, from_addr=cfg.sender, to_addrs=recipients)
    return {addr: f"{code} {_text(text)}" for addr, (code, text) in refused.items()}


def send_with_retries(
    msg: EmailMessage,
    recipients: list[str],
    cfg: SmtpConfig,
    *,
    credentials: Credentials | None,
    context: ssl.SSLContext | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> SendResult:
    """Send ``msg``, retrying transient failures; a lasting failure is returned, not raised."""
    if cfg.starttls and context is None:
        context = tls_context(cfg)
    attempts = 0
    delay = cfg.retry_delay_seconds
    while True:
        attempts += 1
        try:
            refused = send_once(msg, recipients, cfg, credentials=credentials, context=context)
        except Exception as exc:  # noqa: BLE001 - classified below, reported as data
            if is_transient(exc) and attempts <= cfg.retries:
                sleep(delay)
                delay *= 2
                continue
            kind = "transient, retries exhausted" if is_transient(exc) else "permanent"
            return SendResult(
                sent=False, attempts=attempts, error=f"{describe(exc)} ({kind}, {attempts} attempt(s))"
            )
        return SendResult(sent=True, attempts=attempts, refused=refused)
