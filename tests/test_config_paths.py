"""Configuration paths resolve from the file that names them; `misper config show` says
what is in effect and where each value came from (issue 13.1); fields are checked by
their constraints (issue 9.5)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from pipelines.cli import app
from profiles.config import DEFAULT_CONFIG_PATH, PROJECT_ROOT, ConfigError, Settings, load_settings

runner = CliRunner()


def force_config(folder: Path) -> Path:
    """A force's own configuration, with every path relative, in its own folder."""
    folder.mkdir(parents=True)
    path = folder / "misper.yaml"
    path.write_text(yaml.safe_dump({
        "paths": {"db": "data/force.duckdb", "output_dir": "reports", "mappings_dir": "mappings",
                  "reference_dir": "reference"},
        "sources": {"extracts": [{"name": "incidents", "files": ["extracts/rms_*.csv"],
                                  "mapping": "mappings/texas.yaml"}]},
        "reports": {"interventions_file": "interventions.csv"},
        "delivery": {"outbox_dir": "outbox"},
    }), encoding="utf-8")
    return path


@pytest.fixture
def elsewhere(tmp_path, monkeypatch):
    """Run from a folder that is neither the force's nor the checkout."""
    cwd = tmp_path / "somewhere" / "else"
    cwd.mkdir(parents=True)
    monkeypatch.chdir(cwd)
    monkeypatch.delenv("MISPER_DB", raising=False)
    monkeypatch.delenv("MISPER_REFERENCE_DIR", raising=False)
    monkeypatch.delenv("MISPER_CONFIG", raising=False)
    return cwd


def test_relative_paths_in_a_config_file_are_taken_from_its_folder(tmp_path, elsewhere):
    force = tmp_path / "forces" / "a"
    settings = load_settings(force_config(force))
    assert settings.db_path == force / "data" / "force.duckdb"
    assert settings.output_dir == force / "reports"
    assert settings.mappings_dir == force / "mappings"
    assert settings.reference_dir == force / "reference"
    assert settings.resolve(settings.reports.interventions_file) == force / "interventions.csv"
    assert settings.resolve(settings.delivery.outbox_dir) == force / "outbox"
    (source,) = settings.sources.extracts
    assert source.files == [str(force / "extracts" / "rms_*.csv")]
    assert source.mapping == str(force / "mappings" / "texas.yaml")


def test_a_config_given_by_a_relative_path_still_resolves_from_its_own_folder(tmp_path, elsewhere):
    force_config(elsewhere / "cfg")
    settings = load_settings(Path("cfg/misper.yaml"))
    assert settings.db_path == elsewhere / "cfg" / "data" / "force.duckdb"


def test_environment_paths_are_taken_from_the_current_folder(tmp_path, elsewhere, monkeypatch):
    monkeypatch.setenv("MISPER_DB", "here.duckdb")
    settings = load_settings(force_config(tmp_path / "f"))
    assert settings.db_path.absolute() == elsewhere / "here.duckdb"


def test_defaults_and_the_bundled_config_still_find_the_sample(elsewhere):
    assert Settings().db_path == PROJECT_ROOT / "data" / "misper.duckdb"
    bundled = load_settings(DEFAULT_CONFIG_PATH)
    files = [Path(f) for source in bundled.sources.extracts for f in source.files]
    assert files == [PROJECT_ROOT / "data" / "sample" / "synthetic_missing_persons_rms.csv",
                     PROJECT_ROOT / "data" / "sample" / "synthetic_care_absences.csv"]
    assert all(f.is_file() for f in files)
    assert bundled.resolve(bundled.reports.interventions_file) == PROJECT_ROOT / "data" / "sample" / "interventions.csv"
    assert bundled.resolve(bundled.delivery.outbox_dir) == PROJECT_ROOT / "out" / "outbox"
    assert bundled.db_path == PROJECT_ROOT / "data" / "misper.duckdb"


def shown(output: str) -> dict[str, tuple[str, str]]:
    """`config show` lines as name -> (value, source)."""
    rows = {}
    for line in output.splitlines()[1:]:
        name, rest = line.split(None, 1)
        value, source = rest.rsplit("  [", 1)
        rows[name] = (value.strip(), source.rstrip("]"))
    return rows


def test_config_show_prints_each_setting_with_its_source_and_paths_resolved(tmp_path, elsewhere, monkeypatch):
    force = tmp_path / "forces" / "a"
    config = force_config(force)
    monkeypatch.setenv("MISPER_REFERENCE_DIR", "ref")
    monkeypatch.setenv("MISPER_PSEUDONYM_KEY", "a-secret-key")
    result = runner.invoke(app, ["--config", str(config), "config", "show"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == f"configuration: {config}"
    rows = shown(result.output)
    assert rows["paths.db"] == (str(force / "data" / "force.duckdb"), "file")
    assert rows["paths.output_dir"] == (str(force / "reports"), "file")
    assert rows["paths.reference_dir"] == (str(elsewhere / "ref"), "environment (MISPER_REFERENCE_DIR)")
    assert rows["repeat.window_days"] == ("90", "default")
    assert rows["sources.extracts[0].files"] == (str(force / "extracts" / "rms_*.csv"), "file")
    assert rows["pseudonymisation.key"] == ("set", "environment (MISPER_PSEUDONYM_KEY)")
    assert "a-secret-key" not in result.output


def test_config_show_names_a_database_given_on_the_command_line(tmp_path, elsewhere):
    result = runner.invoke(app, ["--config", str(force_config(tmp_path / "f")), "--db", "x.duckdb", "config", "show"])
    assert shown(result.output)["paths.db"] == (str(elsewhere / "x.duckdb"), "command line (--db)")


@pytest.mark.parametrize("section, field, value", [
    ("repeat", "window_days", 0),
    ("sites", "ranking_months", 0),
    ("delivery", "smtp", {"port": 70000}),
    ("schedule", "timezone", "Europe/Londres"),
    ("sites", "hotspot_fdr_alpha", 1.5),
])
def test_a_value_outside_its_constraint_is_refused_when_the_file_is_read(tmp_path, elsewhere, section, field, value):
    path = tmp_path / "misper.yaml"
    path.write_text(yaml.safe_dump({section: {field: value}}), encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"misper.yaml: {section}\.{field}"):
        load_settings(path)
    result = runner.invoke(app, ["--config", str(path), "config", "show"])
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1
    assert result.output.startswith(f"error: {path}: {section}.{field}")
