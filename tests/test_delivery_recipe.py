"""docs/delivery.md's recipe for testing delivery locally works as written (issue 13.5):
its own lines start the sink, make the test configuration and send; the messages land
in the sink's Maildir."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import time
from email import message_from_bytes, policy
from pathlib import Path

import yaml
from typer.testing import CliRunner

from pipelines.cli import app
from profiles.config import DEFAULT_CONFIG_PATH
from tests.test_delivery_fixtures import free_port, make_bundle

DOC = Path(__file__).resolve().parent.parent / "docs" / "delivery.md"


def recipe() -> list[str]:
    text = DOC.read_text(encoding="utf-8").split("## Testing delivery locally", 1)[1]
    block = re.search(r"```sh\n(.*?)```", text, flags=re.S).group(1)
    return [re.sub(r"\s+#.*$", "", line).strip() for line in block.splitlines() if line.strip()]


def wait_for_port(port: int, seconds: float = 30) -> None:
    import socket

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"the sink did not start on port {port}")


def test_the_local_delivery_recipe_sends_every_list_its_message_into_the_sink(tmp_path, monkeypatch):
    sink, make_config, send, listing, stop = recipe()
    assert sink.endswith("&") and "starttls: false" in make_config and listing.startswith("ls out/mailbox/new")
    assert stop == "kill %1" and len(recipe()) == 5
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MISPER_SMTP_USER", raising=False)
    monkeypatch.delenv("MISPER_SMTP_PASSWORD", raising=False)
    monkeypatch.delenv("MISPER_DB", raising=False)
    (tmp_path / "config").mkdir()
    shutil.copy(DEFAULT_CONFIG_PATH, tmp_path / "config" / "misper.yaml")  # the real file the sed edits
    port = free_port()

    # 1. the sink, as written (our Python, a free port)
    prepare, sink = sink.split("; ")
    subprocess.run(["bash", "-c", prepare], cwd=tmp_path, check=True)
    argv = shlex.split(sink.rstrip("&").replace("8025", str(port)))
    assert argv[:3] == [".venv/bin/python", "-m", "aiosmtpd"]
    server = subprocess.Popen([sys.executable, *argv[1:]], cwd=tmp_path)
    try:
        wait_for_port(port)
        # 2. the test configuration, as written; then this test's own database and reports
        subprocess.run(["bash", "-c", make_config.replace("8025", str(port))], cwd=tmp_path, check=True)
        config_path = tmp_path / "config" / "local-smtp.yaml"
        config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
        assert config["delivery"]["smtp"] == {"host": "127.0.0.1", "port": port, "starttls": False}
        config["paths"] = {"db": str(tmp_path / "misper.duckdb"), "output_dir": str(tmp_path / "out")}
        config_path.write_text(yaml.safe_dump(config), encoding="utf-8")
        for audience in ("police", "partner", "public"):
            make_bundle(tmp_path / "out", "2026-10", audience)
        # 3. misper send, as written
        args = shlex.split(send)
        assert args[0] == ".venv/bin/misper"
        result = CliRunner().invoke(app, args[1:])
        assert result.exit_code == 0, result.output
        assert "Delivery for 2026-10: 3 sent, 0 dry run, 0 skipped, 0 failed" in result.output
        # 4. where the messages land
        deadline = time.monotonic() + 10
        while len(list((tmp_path / "out" / "mailbox" / "new").glob("*"))) < 3 and time.monotonic() < deadline:
            time.sleep(0.2)
        landed = sorted((tmp_path / "out" / "mailbox" / "new").glob("*"))
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert len(landed) == 3
    subjects = sorted(message_from_bytes(p.read_bytes(), policy=policy.default)["Subject"] for p in landed)
    assert all("Missing persons problem profile 2026-10" in s for s in subjects)
    assert sorted(s.split(":")[0] for s in subjects) == ["OFFICIAL", "OFFICIAL", "OFFICIAL-SENSITIVE"]
