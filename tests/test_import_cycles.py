"""No import cycle among misper's own modules, counting imports inside functions too:
an import put in a function to dodge a cycle still makes one (issue 9.4)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def module_files() -> dict[str, Path]:
    found = {}
    for package in ("profiles", "pipelines"):
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The first-party modules ``name`` imports anywhere in its text (top level or not)."""
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    type_only = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If) and _is_type_checking(block.test)
                 for stmt in block.body for n in ast.walk(stmt)}
    for node in ast.walk(tree):
        if id(node) in type_only:  # `if TYPE_CHECKING:` imports never run
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in modules)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
                for _ in range(node.level - 1):
                    package = package.rsplit(".", 1)[0]
                base = f"{package}.{base}" if base else package
            for alias in node.names:
                target = f"{base}.{alias.name}"
                found.add(target if target in modules else base)
    return {m for m in found if m in modules and m != name}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def import_graph() -> dict[str, set[str]]:
    modules = module_files()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return groups


def test_the_cycle_finder_sees_an_import_inside_a_function():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    source = "def f():\n    from profiles.x import y\nif TYPE_CHECKING:\n    from profiles.z import w\n"
    path = ROOT / "tests" / "_cycle_probe.py"
    try:
        path.write_text(source, encoding="utf-8")
        modules = {"profiles.x": path, "profiles.z": path}
        assert imports_of("tests._cycle_probe", path, modules) == {"profiles.x"}
    finally:
        path.unlink()


def test_no_module_of_profiles_or_pipelines_is_in_an_import_cycle():
    assert cycles(import_graph()) == []


def test_the_command_modules_never_import_the_entry_point():
    graph = import_graph()
    assert "pipelines.cli" not in set().union(*(graph[m] for m in graph if m.startswith("pipelines.commands")))
    assert not graph["pipelines.cli_app"] & {m for m in graph if m.startswith("pipelines.commands")}


def test_the_command_line_starts_without_the_data_stack():
    """A refused option or `--help` answers before pandas, DuckDB or Prefect are imported:
    they load inside the command that needs them (issue 13: a refusal in under a second)."""
    import subprocess
    import sys

    probe = ("import sys, pipelines.cli; "
             "print(sorted(m for m in ('pandas', 'numpy', 'duckdb', 'prefect', 'geopandas') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]", result.stdout + result.stderr
