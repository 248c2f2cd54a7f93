"""The documented canonical model is the enforced one."""

import re
from pathlib import Path

from profiles.canonical import COLUMNS

DOC = Path(__file__).resolve().parent.parent / "docs" / "canonical_model.md"


def test_docs_list_every_canonical_column_with_its_requirement():
    rows = re.findall(r"^\| (\w+) \| (\w+) \| ([^|]+) \|", DOC.read_text(), flags=re.M)
    documented = {name: (typ, req.strip()) for name, typ, req in rows if name != "column"}
    assert list(documented) == [c.name for c in COLUMNS]
    for c in COLUMNS:
        assert documented[c.name][0] == c.type
        assert (documented[c.name][1] == "yes") == c.required
