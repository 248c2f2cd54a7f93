"""Helpers for the delivery tests: report bundles of the renderer's shape, a loopback SMTP
server (aiosmtpd) that records what it received, and a throwaway CA for STARTTLS.

No tests here; test_delivery*.py import these.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import json
import socket
import ssl
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

# ---------------------------------------------------------------- report bundles

SUMMARY_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Summary</title>
<style>p {{ margin: 0 }}</style></head>
<body>
<h1>Missing persons problem profile, {period}</h1>
<p>{marking}. SYNTHETIC DATA.</p>
<ul><li>Reports: 412 (up 18% on the same month last year)</li><li>Repeat individuals: 37</li></ul>
<table><caption>Reports by risk</caption>
<tr><th>Risk</th><th>Reports</th></tr><tr><td>High</td><td>21</td></tr></table>
</body></html>
"""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_bundle(
    output_dir: Path,
    period: str,
    audience: str,
    *,
    marking: str | None = None,
    pdf: bytes | None = None,
    manifest_audience: str | None = None,
    files_as_mapping: bool = False,
) -> Path:
    """Write out/profile/<period>/<audience>/ as the reports step does; returns the folder."""
    marking = marking or ("OFFICIAL-SENSITIVE" if audience == "police" else "OFFICIAL")
    folder = output_dir / "profile" / period / audience
    (folder / "tables").mkdir(parents=True, exist_ok=True)
    files = {
        "problem_profile.html": f"<html><body>{audience} profile {period}</body></html>".encode(),
        "problem_profile.pdf": pdf if pdf is not None else f"%PDF-1.7 {audience} {period}\n%%EOF\n".encode(),
        "summary.html": SUMMARY_HTML.format(period=period, marking=marking).encode(),
        "tables/demand.csv": b"month,reports\n" + period.encode() + b",412\n",
    }
    if audience == "police":  # the police annex (profiles/reports/annex.py): police folders only
        files["annex.pdf"] = f"%PDF-1.7 police annex {period}\n%%EOF\n".encode()
        files["annex.xlsx"] = b"PK\x03\x04 police annex " + period.encode()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    hashes = {name: sha256(data) for name, data in files.items()}
    listed = hashes if files_as_mapping else [{"path": n, "sha256": h} for n, h in hashes.items()]
    manifest = {
        "kind": "problem_profile",
        "period": period,
        "audience": manifest_audience or audience,
        "marking": marking,
        "files": listed,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return folder


# ---------------------------------------------------------------- loopback SMTP server


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    tls: bool
    login: str | None

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.content, policy=policy.default)

    def attachment(self, filename: str) -> bytes:
        for part in self.message.iter_attachments():
            if part.get_filename() == filename:
                return part.get_content()
        raise AssertionError(f"no attachment {filename}")


@dataclass
class RecordingHandler:
    """Records every accepted message; can refuse recipients or answer DATA with errors."""

    received: list[Received] = field(default_factory=list)
    #: Replies to give to the next DATA commands instead of accepting (e.g. "451 ...").
    data_replies: list[str] = field(default_factory=list)
    #: Every DATA gets this reply (a lasting failure), when set.
    always_reply: str | None = None
    refuse: dict[str, str] = field(default_factory=dict)
    data_commands: int = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.data_commands += 1
        if self.always_reply:
            return self.always_reply
        if self.data_replies:
            return self.data_replies.pop(0)
        self.received.append(
            Received(
                mail_from=envelope.mail_from,
                rcpt_tos=list(envelope.rcpt_tos),
                content=envelope.original_content or envelope.content,
                tls=session.ssl is not None,
                login=getattr(session, "login_data", None),
            )
        )
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpServer:
    """aiosmtpd on 127.0.0.1, optionally requiring STARTTLS and AUTH."""

    def __init__(
        self,
        *,
        tls_context: ssl.SSLContext | None = None,
        credentials: tuple[str, str] | None = None,
    ) -> None:
        self.handler = RecordingHandler()
        self.port = free_port()
        kwargs = {}
        if tls_context is not None:
            kwargs.update(tls_context=tls_context, require_starttls=True)
        if credentials is not None:
            user, password = credentials

            def authenticator(server, session, envelope, mechanism, auth_data):
                ok = auth_data.login.decode() == user and auth_data.password.decode() == password
                return AuthResult(success=ok, handled=False, auth_data=auth_data)

            kwargs.update(authenticator=authenticator, auth_required=True)
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port,
                                     server_hostname="localhost", **kwargs)

    def __enter__(self) -> "SmtpServer":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    @property
    def received(self) -> list[Received]:
        return self.handler.received


# ---------------------------------------------------------------- a throwaway CA for STARTTLS


@dataclass
class ThrowawayCA:
    ca_file: Path
    server_context: ssl.SSLContext


def make_ca(folder: Path) -> ThrowawayCA:
    """A CA and a server certificate for localhost/127.0.0.1, valid for one day."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "misper test CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                          content_commitment=False, key_encipherment=False, data_encipherment=False,
                          key_agreement=False, encipher_only=False, decipher_only=False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    ca_file = folder / "ca.pem"
    ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    cert_file, key_file = folder / "server.pem", folder / "server.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                          serialization.NoEncryption())
    )
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert_file, key_file)
    return ThrowawayCA(ca_file=ca_file, server_context=server_context)


# ---------------------------------------------------------------- settings

POLICE_LIST = {
    "name": "Force safeguarding leads",
    "audience": "police",
    "lawful_basis": "DPA 2018 Part 3, s.35: law enforcement purposes",
    "recipients": [
        {"name": "Missing persons coordinator", "email": "mispers.coordinator@force.example.police.uk"},
        {"name": "Head of public protection", "email": "ppu.head@force.example.police.uk"},
    ],
}
PARTNER_LIST = {
    "name": "Children's safeguarding partnership",
    "audience": "partner",
    "lawful_basis": "Children Act 2004 s.11; information sharing agreement ISA-2024-07",
    "recipients": [{"name": "Board manager", "email": "board@lscp.example.gov.uk"}],
}


def make_settings(tmp_path: Path, *, lists=None, smtp=None, **sections):
    from profiles.config import Settings

    data = {
        "paths": {"output_dir": str(tmp_path / "out")},
        "delivery": {
            "outbox_dir": str(tmp_path / "outbox"),
            "smtp": {
                "host": "127.0.0.1",
                "port": free_port(),  # nothing listening unless a test starts a server there
                "starttls": False,
                "retries": 2,
                "retry_delay_seconds": 0,
                "timeout_seconds": 5,
                **(smtp or {}),
            },
            "lists": lists if lists is not None else [POLICE_LIST, PARTNER_LIST],
        },
        **sections,
    }
    return Settings.model_validate(data)
