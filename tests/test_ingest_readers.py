"""The CSV readers: DuckDB's reader (``read_csv_fast``) is used only where it gives exactly what
the Arrow reader (``read_csv``) gives, row for row, malformed rows and messages included."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from profiles.config import Settings
from profiles.errors import InputError
from profiles.ingest import readers
from profiles.ingest.preflight import mapping_named

MAPPING = mapping_named("canonical", Settings())


def outcome(path: Path, *, fast: bool) -> tuple:
    """What reading ``path`` gives: the headers, every row, the malformed rows, the encoding
    (or the refusal), with DuckDB's reader allowed or not."""
    original = readers.read_csv_fast
    if not fast:
        readers.read_csv_fast = lambda *args, **kwargs: None
    try:
        source = readers.read_source(path, MAPPING)
    except InputError as exc:
        return ("refused", str(exc))
    finally:
        readers.read_csv_fast = original
    malformed = [(m.row_number, m.reason, m.text) for m in source.malformed]
    return (source.headers, source.table.to_pylist(), malformed, source.encoding, source.sha256)


def took_fast_path(path: Path) -> bool:
    scan = readers.QuoteScan()
    readers.sha256_of(path, scan)
    return readers.read_csv_fast(path, MAPPING, scan) is not None


WORDS = ["a", "b c", "Zoë", "x,y", "line\nbreak", "cr\r\nlf", 'q"q', "=1", "'", "t\tt", "€", "", ";", "\x01"]
#: One change that makes a row differ from the header, or the file awkward to read.
FAULTS = [
    lambda r: r + ",",             # an empty field too many (DuckDB alone would drop it)
    lambda r: r + ",x",            # a field too many
    lambda r: r.rsplit(",", 1)[0],  # a field too few
    lambda r: "",                  # a blank line
    lambda r: " ",                 # a line of one blank field
    lambda r: r + '"',             # a stray quote
    lambda r: ' "a"' + r,          # a blank before a quote (DuckDB would drop the blank)
    lambda r: r + ",,",            # two empty fields too many
]


def random_csv(rng: random.Random) -> bytes:
    def field() -> str:
        word = rng.choice(WORDS)
        quoted = any(c in word for c in ',\n\r"') or rng.random() < 0.2
        return '"' + word.replace('"', '""') + '"' if quoted else word

    columns = rng.randint(2, 5)
    newline = rng.choice(["\n", "\r\n"])
    rows = [",".join(f"h{i}" for i in range(columns))]
    rows += [",".join(field() for _ in range(columns)) for _ in range(rng.randint(1, 8))]
    if rng.random() < 0.5:
        i = rng.randrange(1, len(rows))
        rows[i] = rng.choice(FAULTS)(rows[i])
    data = (newline.join(rows) + rng.choice(["", newline, newline * 2])).encode()
    if rng.random() < 0.05:
        data = data.replace(b"a", b"\xff", 1)  # not UTF-8: cp1252 then
    return data


def test_both_readers_give_the_same_for_generated_files(tmp_path):
    rng = random.Random(20261206)
    path = tmp_path / "x.csv"
    fast = 0
    for case in range(150):
        data = random_csv(rng)
        path.write_bytes(data)
        assert outcome(path, fast=True) == outcome(path, fast=False), (case, data)
        fast += took_fast_path(path)
    # both paths are exercised: the clean files by DuckDB, the rest by Arrow
    assert 15 < fast < 130


@pytest.mark.parametrize("text, fast, rows, malformed", [
    # a trailing delimiter is a field too many, quarantined with its row number
    ("a,b\n1,2\n3,4,\n5,6\n", False, [["1", "2"], ["5", "6"]], [(2, "row has 3 fields; the header has 2")]),
    # a blank before a quote: the field as written, by the Arrow reader
    ('a,b\n1, "2"\n', False, [["1", ' "2"']], []),
    # quoted line breaks, quotes and delimiters, and empty fields: DuckDB's reader
    ('a,b,c\n"x\ny","say""hi""",\n,"p,q",z\n', True, [["x\ny", 'say"hi"', ""], ["", "p,q", "z"]], []),
    # a quote left open to the end of the file: the Arrow reader's reading (to the end)
    ('a,b\n1,2\n3,"4\n', False, [["1", "2"], ["3", "4\n"]], []),
])
def test_awkward_rows(tmp_path, text, fast, rows, malformed):
    path = tmp_path / "x.csv"
    path.write_bytes(text.encode())
    got = outcome(path, fast=True)
    assert got == outcome(path, fast=False)
    assert took_fast_path(path) is fast
    headers, table, bad = got[0], got[1], got[2]
    assert [[r[h] for h in headers] for r in table] == rows
    assert [(n, reason) for n, reason, _ in bad] == malformed


def test_a_file_with_carriage_returns_alone_is_read_not_crashed(tmp_path):
    path = tmp_path / "mac.csv"
    path.write_bytes(b"a,b\r1,2\r3,4\r")
    headers, table, bad, _, _ = outcome(path, fast=True)
    assert headers == ["a", "b"] and [(r["a"], r["b"]) for r in table] == [("1", "2"), ("3", "4")] and bad == []


def scanned(*blocks: bytes) -> tuple[bool, bool, bool]:
    scan = readers.QuoteScan()
    for block in blocks:
        scan(block)
    return scan.beside_blank, scan.newline_in_quotes, scan.unbalanced


@pytest.mark.parametrize("data, expected", [
    (b'id,name\n1,"a\nb"\n2,"c"\n', (False, True, False)),
    (b'id,name\n1,"a,b"\n2, "c"\n', (True, False, False)),
    (b'id,name\n1,"a,b" \n2,c\n', (True, False, False)),
    (b'id,name\n1,"a""b"\n2,"c\n', (False, True, True)),
    (b'id,name\n1,a\n', (False, False, False)),
])
def test_the_quote_scan_is_the_same_whatever_the_blocks(data, expected):
    assert scanned(data) == expected
    for cut in range(1, len(data)):
        got = scanned(data[:cut], data[cut:])
        # once a blank beside a quote is seen the file goes to the Arrow reader: nothing else counts
        assert got[0] == expected[0] and (got[0] or got == expected), cut
