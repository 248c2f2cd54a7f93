"""Write the input files of the ingestion cases of the corpus (run once; the files are committed).

    .venv/bin/python tests/corpus/make_inputs.py

Each case is a folder with its input file(s) and an ``expected.yaml`` (see README.md).
Only this script's own cases are written; other folders are left alone.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
H = "incident_id,person_id,reported_at,found_at,age,gender,risk"
OK = "I1,P1,2024-01-05 10:00,2024-01-05 18:00,15,female,medium"


def text(case: str, name: str, body: str, encoding: str = "utf-8") -> None:
    folder = HERE / case
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(body.encode(encoding))


def raw(case: str, name: str, body: bytes) -> None:
    folder = HERE / case
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(body)


def main() -> None:
    two = f"{H}\n{OK}\nI2,P2,2024-03-02 23:15,,15,male,high\n"
    # issue 14.1: an older extract after a newer one
    text("14.1-older-extract-is-stale", "rms_2024-01-07.csv", f"{H}\nI1,P1,2024-01-05 10:00,2024-01-06 08:00,15,female,high\n")
    text("14.1-older-extract-is-stale", "rms_2024-01-05.csv", f"{H}\nI1,P1,2024-01-05 10:00,,15,female,low\nI2,P2,2024-01-05 11:00,,16,male,low\n")
    # 14.8: delimiters and a one-column file
    text("14.8-one-column-postcode", "postcodes.csv", "postcode\nBL5 3XX\nM1 1AA\nSW1A 1AA\n")
    text("14.8-delimiter-pipe", "input.csv", two.replace(",", "|"))
    text("14.8-delimiter-tab", "input.tsv", two.replace(",", "\t"))
    text("14.8-delimiter-semicolon", "input.csv", two.replace(",", ";"))
    text("14.8-letters-are-not-delimiters", "input.csv", "incident_idoperson_id\nI1oP1\n")
    # 14.9: UTF-16 / UTF-32 with a byte-order mark
    text("14.9-utf16-le-bom", "input.csv", two, "utf-16")
    raw("14.9-utf16-be-bom", "input.csv", b"\xfe\xff" + two.encode("utf-16-be"))
    text("14.9-utf32-bom", "input.csv", two, "utf-32")
    # held: encodings
    text("held-encoding-utf8-bom", "input.csv", "\ufeff" + two.replace("female", "female"))
    text("held-encoding-cp1252", "input.csv", f"{H},reason\n{OK},caf\u00e9 \u00a35\n", "cp1252")
    # held: quoted newlines, truncated lines, duplicates, impossible values
    text("held-quoted-newlines", "input.csv", f"{H},reason\n{OK},\"left after a row,\nthen came back\"\n")
    text("held-truncated-line", "input.csv", f"{H}\n{OK}\nI2,P2,2024-03-02\n")
    text("held-duplicates", "input.csv", f"{H}\n{OK}\n{OK}\n{OK.replace('medium', 'high')}\n")
    text("held-impossible-values", "input.csv",
         f"{H}\nI1,P1,2024-01-05 10:00,2024-01-04 10:00,15,female,medium\nI2,P2,2024-01-05 10:00,,250,female,medium\n"
         "I3,P3,2099-01-05 10:00,,15,female,medium\nI4,P4,2024-01-05 10:00,,15,dragon,extreme\n")
    # held: Excel serial dates are not guessed at
    text("held-excel-serial-dates", "input.csv", f"{H}\nI1,P1,45296.4166,,15,female,medium\n")
    # held: 100 KB of text in one cell; script and SQL strings; non-Latin scripts
    text("held-100kb-text", "input.csv", f"{H},reason\n{OK},\"{'x' * 100_000}\"\n")
    text("held-script-and-sql-strings", "input.csv",
         f"{H},reason\nI1;DROP TABLE episodes;--,P1,2024-01-05 10:00,,15,female,medium,<script>alert(1)</script>\n"
         f"I2,P2' OR '1'='1,2024-01-05 10:00,,15,female,medium,'); DELETE FROM episodes; --\n")
    text("held-non-latin-scripts", "input.csv",
         f"{H},reason\n\u0418\u0414-1,\u674e\u96f7,2024-01-05 10:00,,15,female,medium,\u0645\u0641\u0642\u0648\u062f \u00b7 \u0baa\u0bc6\u0baf\u0bb0\u0bcd\n")
    # held: binaries and missing paths
    raw("held-binary-file", "input.csv", bytes(range(256)) * 8)
    raw("held-binary-as-xlsx", "input.xlsx", b"PK\x03\x04" + bytes(200))
    text("held-empty-file", "input.csv", "")


if __name__ == "__main__":
    main()
