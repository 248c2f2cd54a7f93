"""Reading a delimited text file: its encoding and its delimiter, the same for every command
(`misper ingest`, `misper geocode --input`).

An encoding is found from a byte-order mark (UTF-8, UTF-16, UTF-32), else UTF-8, else cp1252.
A delimiter is one of comma, semicolon, tab and pipe, never a letter: a header line with
none of them is a one-column file.
"""

from __future__ import annotations

from pathlib import Path

from profiles.errors import InputError

#: Byte-order marks, longest first (UTF-32 LE starts with the UTF-16 LE mark).
BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
    (b"\xff\xfe", "utf-16-le", "UTF-16"),
    (b"\xfe\xff", "utf-16-be", "UTF-16"),
)

#: The UTF-8 byte-order mark (optional in a UTF-8 file, so not in BOMS' list of encodings).
UTF8_BOM = b"\xef\xbb\xbf"

#: The only delimiters a CSV may use; 'auto' picks the commonest of them in the header line.
DELIMITERS = (",", ";", "\t", "|")


def decode_text(raw: bytes, path: Path, encoding: str = "auto") -> tuple[str, str]:
    """Text of a file and the encoding used ('auto': a UTF-8/16/32 byte-order mark, else
    UTF-8, else cp1252)."""
    if encoding.lower() not in ("auto", ""):
        try:
            return raw.decode(encoding).lstrip("\ufeff"), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise InputError(f"{path}: cannot be read as {encoding}: {exc}") from None
    for mark, codec, name in BOMS:
        if raw.startswith(mark):
            try:
                return raw[len(mark):].decode(codec), codec
            except UnicodeDecodeError as exc:
                raise InputError(f"{path}: starts with a {name} mark but is not {name} text: {exc}") from None
    if raw.startswith(UTF8_BOM):
        try:
            return raw[len(UTF8_BOM):].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: starts with a UTF-8 mark but is not UTF-8: {exc}") from None
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: neither UTF-8 nor cp1252 text: {exc}") from None


def sniff_delimiter(header_line: str) -> str:
    """The delimiter of a header line: the commonest of DELIMITERS (a comma when it has none:
    a one-column file)."""
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","
