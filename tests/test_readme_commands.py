"""The README's table of commands lists exactly the commands the CLI registers (issue 13.7)."""

from __future__ import annotations

import re
from pathlib import Path

import typer
from typer.testing import CliRunner

README = Path(__file__).resolve().parent.parent / "README.md"


def registered_commands() -> set[str]:
    """Every command a user can run, as typed after `misper` ("geocode episodes")."""
    from pipelines.cli import app

    found: set[str] = set()

    def walk(command, prefix: str) -> None:  # noqa: ANN001 - a click command or group
        if hasattr(command, "commands"):
            if command.invoke_without_command and prefix:
                found.add(prefix)
            for name, sub in command.commands.items():
                walk(sub, f"{prefix} {name}".strip())
        else:
            found.add(prefix)

    walk(typer.main.get_command(app), "")
    return found


def readme_commands() -> set[str]:
    """The command words of each row of the README's table (`misper a b\\|c --opt` -> a b, a c)."""
    found: set[str] = set()
    for cell in re.findall(r"^\| `misper ([^`]+)` \|", README.read_text(encoding="utf-8"), flags=re.M):
        words = []
        for word in cell.split():
            if not re.fullmatch(r"[a-z][a-z-]*(\\\|[a-z][a-z-]*)*", word):
                break
            words.append(word.split("\\|"))
        *head, last = words
        found.update(" ".join([*head_words, alt]) for head_words in [[w[0] for w in head]] for alt in last)
    return found


def test_every_registered_command_is_in_the_readme_table_and_nothing_else():
    registered, documented = registered_commands(), readme_commands()
    assert registered - documented == set(), "commands missing from the README table"
    assert documented - registered == set(), "README rows for commands that do not exist"


def test_the_table_is_read_from_the_cli_itself():
    # the walk sees what `misper --help` shows, so a new command cannot hide from the test
    from pipelines.cli import app

    shown = CliRunner().invoke(app, ["--help"]).output
    top = {name.split()[0] for name in registered_commands()}
    assert all(name in shown for name in top)
    assert "quarantine" in top and "geocode episodes" in registered_commands()
