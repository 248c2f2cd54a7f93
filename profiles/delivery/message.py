"""The email for one delivery: HTML summary body, plain-text alternative, PDF attached (and, for
a police list, the police annex)."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from html.parser import HTMLParser
from pathlib import Path

from profiles.delivery.plan import Delivery
from profiles.files import write_bytes

_BLOCK_TAGS = {
    "p", "div", "section", "article", "header", "footer", "main", "table", "thead", "tbody",
    "tr", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "hr", "caption",
    "figure", "figcaption", "dl", "dt", "dd", "blockquote",
}
_SKIP_TAGS = {"style", "script", "head", "title", "svg"}

#: CRLF line ends; headers folded only past RFC 5322's hard limit, so a subject stays on one
#: line (Python's parser keeps a leading space on a header folded right after its name).
_POLICY = policy.SMTP.clone(max_line_length=998)

#: Media types of the files a bundle attaches beside its PDF.
_MEDIA_TYPES = {
    ".pdf": ("application", "pdf"),
    ".xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


class _TextExtractor(HTMLParser):
    """HTML to readable text: blocks on their own lines, table cells separated by ' | '."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._cell_in_row = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag in ("td", "th"):
            if self._cell_in_row:
                self.parts.append(" | ")
            self._cell_in_row += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
            if tag == "tr":
                self._cell_in_row = 0
            elif tag == "li":
                self.parts.append("- ")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt and not self._skip:
                self.parts.append(f"[{alt}]")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "hr"):
            self.parts.append("\n")
        else:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    """A plain-text rendering of an HTML summary (for the text/plain alternative)."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = [line.strip() for line in "".join(parser.parts).splitlines()]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _month_name(period: str) -> str:
    year, month = (int(x) for x in period.split("-"))
    return date(year, month, 1).strftime("%B %Y")


def subject_line(delivery: Delivery, *, force_name: str, synthetic: bool) -> str:
    """``<MARKING>: <report title> <YYYY-MM> (<Month YYYY>) - <force>``."""
    bundle = delivery.bundle
    title = bundle.kind.title
    if synthetic and "SYNTHETIC" not in f"{title} {force_name}".upper():
        title = f"SYNTHETIC {title}"
    return f"{bundle.marking}: {title} {bundle.period} ({_month_name(bundle.period)}) - {force_name}"


def build_message(
    delivery: Delivery,
    *,
    sender: str,
    force_name: str,
    synthetic: bool,
    now: datetime | None = None,
) -> EmailMessage:
    """The message for ``delivery`` (pure: reads only the bundle's verified files)."""
    bundle = delivery.bundle
    html = bundle.summary.path.read_text(encoding="utf-8")
    document = bundle.document
    text = "\n".join(
        [
            bundle.marking,
            "",
            html_to_text(html),
            "",
            f"Attached: {document.name} (SHA-256 {document.sha256}).",
            *(f"Attached (police only): {f.name} (SHA-256 {f.sha256})." for f in bundle.attachments),
            f"Sent to the '{delivery.list_name}' distribution list ({bundle.audience} audience).",
            f"Lawful basis: {delivery.lawful_basis}.",
            f"Handle according to its protective marking: {bundle.marking}.",
        ]
    )
    sender_domain = sender.rpartition("@")[2] or None
    msg = EmailMessage(policy=_POLICY)
    msg["Subject"] = subject_line(delivery, force_name=force_name, synthetic=synthetic)
    msg["From"] = sender
    msg["To"] = [Address(display_name=r.name, addr_spec=r.email) for r in delivery.recipients]
    msg["Date"] = format_datetime(now or datetime.now(timezone.utc))
    msg["Message-ID"] = make_msgid(idstring="misper", domain=sender_domain)
    msg["X-Misper-Period"] = bundle.period
    msg["X-Misper-Report"] = bundle.kind.name
    msg["X-Misper-Audience"] = bundle.audience
    msg["X-Misper-List"] = delivery.list_name
    msg["X-Misper-Delivery-Key"] = delivery.key
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    msg.add_attachment(
        document.path.read_bytes(),
        maintype="application",
        subtype="pdf",
        filename=Path(document.name).name,
    )
    for extra in bundle.attachments:  # the police annex: police bundles only carry any
        maintype, subtype = _MEDIA_TYPES[Path(extra.name).suffix.lower()]
        msg.add_attachment(extra.path.read_bytes(), maintype=maintype, subtype=subtype,
                           filename=Path(extra.name).name)
    return msg


def eml_name(delivery: Delivery) -> str:
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", delivery.list_name).strip("-") or "list"
    return f"{delivery.bundle.period}_{slug}_{delivery.bundle.kind.name}.eml"


def write_eml(msg: EmailMessage, outbox_dir: Path, name: str) -> Path:
    """Write ``msg`` as an .eml file in ``outbox_dir`` (replacing one of the same name)."""
    return write_bytes(outbox_dir / name, msg.as_bytes())
