"""`misper backup`: a consistent copy of the database, to restore from if the file is damaged."""

from __future__ import annotations

from pathlib import Path

import typer

from pipelines.cli_app import command, out, state


@command()
def backup(
    out_path: Path = typer.Option(
        None, "--out", help="Backup file or folder [default: backups/ beside the database]."
    ),
) -> None:
    """Copy the database consistently (under its write lock, checked after); restore by copying it back."""
    from profiles.db import backup_database

    dest = backup_database(state.db_path, out_path, lock_wait_s=state.settings.db.lock_wait_s)
    out.print(f"backup of {state.db_path} written to {dest} ({dest.stat().st_size:,} bytes)", highlight=False)
