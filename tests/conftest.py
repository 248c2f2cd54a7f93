"""Shared fixtures.

Tests that need ../shared reference data use the ``shared_dir`` fixture (or the
``require_shared`` helper): they skip with a clear reason when it is absent and
fail instead when ``MISPER_REQUIRE_SHARED=1`` (as `.ci/run` sets).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
# Flows that commands run in tests use Prefect state of their own, never a developer's
# ~/.prefect or a real server named by PREFECT_API_URL (set before Prefect is imported).
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="misper-tests-prefect-")
os.environ.pop("PREFECT_API_URL", None)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = Path(os.environ.get("MISPER_SHARED_DIR", PROJECT_ROOT.parent / "shared"))


def require_shared(*parts: str) -> Path:
    """The path ../shared/<parts>, or skip (fail under MISPER_REQUIRE_SHARED=1)."""
    path = SHARED_DIR.joinpath(*parts)
    if not path.exists():
        reason = f"shared reference data not found: {path}"
        if os.environ.get("MISPER_REQUIRE_SHARED") == "1":
            pytest.fail(reason + " (MISPER_REQUIRE_SHARED=1)")
        pytest.skip(reason)
    return path


@pytest.fixture
def shared_dir() -> Path:
    return require_shared()


@pytest.fixture
def con():
    """A fresh in-memory database with the schema applied."""
    from profiles.db import connect

    c = connect(":memory:")
    yield c
    c.close()


@pytest.fixture
def settings():
    from profiles.config import Settings

    return Settings()


@pytest.fixture(scope="session")
def prefect_harness():
    """One Prefect test server (a temporary database) for every flow test of the session.

    Flow tests are marked ``prefect`` and never run under xdist (see the Makefile).
    """
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=None):
        yield
