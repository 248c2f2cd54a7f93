"""An independent scan of every byte a partner or public reader receives (issue 14, the
disclosure test), written apart from profiles.disclosure's own leak check.

``marked_values`` reads from the database every value no partner or public output may hold:
the force's person references, dates of birth (as ISO and as dd/mm/yyyy), free text, street
addresses and children's-home names and addresses. ``readable_text`` turns any output into the
text a reader could see: PDFs through pdftotext, XLSX through the XML in the zip, emails part
by part (their attachments decoded and read the same way), anything else as UTF-8.
"""

from __future__ import annotations

import email
import io
import re
import subprocess
import tempfile
import zipfile
from email import policy
from pathlib import Path

import duckdb


def _column(con: duckdb.DuckDBPyConnection, sql: str) -> list:
    return [r[0] for r in con.execute(sql).fetchall() if r[0] is not None]


def marked_values(db: Path) -> dict[str, set[str]]:
    """What must not appear, by kind (only values long enough not to match ordinary words or counts)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        refs = {str(v) for v in _column(con, "select person_id from person_identity") if len(str(v)) >= 7}
        dobs = set()
        for d in _column(con, "select distinct date_of_birth from episodes"):
            dobs |= {d.strftime("%Y-%m-%d"), d.strftime("%d/%m/%Y")}
        text = {v.strip() for v in _column(con, "select distinct reason from episodes") if len(v.strip()) >= 12}
        addresses = {v.strip() for v in _column(
            con, "select distinct missing_from_address from episodes union select distinct found_address from episodes")
            if re.search(r"\d", v) and len(v.strip()) >= 8}
        homes = {v.strip() for v in _column(
            con, "select name from sites where sensitive union select address from sites where sensitive "
                 "union select site_name from absences") if len(v.strip()) >= 8}
    finally:
        con.close()
    return {"person reference": refs, "date of birth": dobs, "free text": text, "address": addresses,
            "children's home": homes}


def _pdf_text(data: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(data)
        fh.flush()
        return subprocess.run(["pdftotext", "-layout", fh.name, "-"], capture_output=True, text=True,
                              check=True).stdout


def _xlsx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))


def _text_of(name: str, data: bytes) -> str:
    lower = name.lower()
    if lower.endswith(".pdf"):
        return _pdf_text(data)
    if lower.endswith(".xlsx"):
        return _xlsx_text(data)
    if lower.endswith(".eml"):
        message = email.message_from_bytes(data, policy=policy.default)
        parts = [str(message.get("Subject", ""))]
        for part in message.walk():
            if part.is_multipart():
                continue
            payload = part.get_payload(decode=True) or b""
            parts.append(_text_of(part.get_filename() or part.get_content_type().replace("/", "."), payload))
        return "\n".join(parts)
    return data.decode("utf-8", "replace")


def readable_text(path: Path) -> str:
    return _text_of(path.name, path.read_bytes())


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).casefold()


def leaks(paths: list[Path], values: dict[str, set[str]]) -> list[str]:
    """One line per (file, kind, value) found; whitespace runs (a PDF's line breaks) count as one space."""
    found = []
    for path in paths:
        text = _normal(readable_text(path))
        for kind, items in values.items():
            for item in sorted(items):
                if _normal(item) in text:
                    found.append(f"{path}: {kind} {item!r}")
    return found
