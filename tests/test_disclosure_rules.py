"""Each disclosure rule and the output writer live in one place (issue 9, points 3 and 6).

These read the source: a second copy of the suppression test, of the audience list or of a
CSV writer, or an import of the reports from the analysis, fails here with the file and line.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DISCLOSURE = ROOT / "profiles" / "disclosure.py"
FILES = ROOT / "profiles" / "files.py"


def _sources(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def _hits(pattern: str, paths: list[Path], *, home: Path) -> list[str]:
    regex = re.compile(pattern)
    found = []
    for path in paths:
        if path == home:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if regex.search(line) and not line.lstrip().startswith("#"):
                found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    return found


def test_the_small_count_test_is_written_only_in_profiles_disclosure():
    code = _sources("profiles", "pipelines")
    chained = _hits(r"\b0\s*<\s*[\w.()\[\]]+\s*<", code, home=DISCLOSURE)
    against = _hits(r"<=?\s*(?:self\.|ctx\.)?(?:suppression_)?threshold\b", code, home=DISCLOSURE)
    templates = [p for p in (ROOT / "templates").rglob("*.j2")]
    in_templates = _hits(r"<\s*threshold\b", templates, home=DISCLOSURE)
    assert chained + against + in_templates == []


def test_the_audience_list_is_written_only_in_profiles_audiences():
    """profiles/audiences.py (re-exported by profiles.disclosure, kept apart so that the CLI
    starts without pandas) is the one place."""
    code = _sources("profiles", "pipelines")
    listed = _hits(r"""["']police["']\s*,\s*["']partner["']\s*,\s*["']public["']""", code,
                   home=ROOT / "profiles" / "audiences.py")
    assert listed == []


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
    return out


def test_the_analysis_imports_nothing_from_the_reports():
    bad = [f"{p.relative_to(ROOT)}:{n}: {m}" for p in _sources("profiles/analysis")
           for n, m in _imports(p) if m.startswith("profiles.reports")]
    assert bad == []


def test_the_disclosure_module_imports_nothing_above_it_at_run_time():
    tree = ast.parse(DISCLOSURE.read_text(encoding="utf-8"))
    runtime = [node for node in tree.body if isinstance(node, ast.ImportFrom) and node.module]
    above = [n.module for n in runtime if n.module.startswith(("profiles.reports", "profiles.analysis", "profiles.config"))]
    assert above == []


def test_only_profiles_files_writes_csv_or_xlsx():
    """``to_csv`` to a path, the csv module's writers and a workbook's ``save`` appear only in profiles/files.py."""
    bad = []
    for path in _sources("profiles", "pipelines"):
        if path in (FILES,) or "sample" in path.parts:  # the sample generator writes synthetic inputs, not outputs
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            name = node.func.attr
            to_a_file = name == "to_csv" and (node.args or any(k.arg == "path_or_buf" for k in node.keywords))
            if to_a_file or name in ("writer", "DictWriter") and getattr(node.func.value, "id", "") == "csv":
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno}: {name}")
            if name in ("to_excel", "ExcelWriter"):
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno}: {name}")
    assert bad == []
