"""Open a rendered HTML file in headless Chromium and report what a reader's browser saw.

Talks the DevTools protocol over ``--remote-debugging-pipe`` (file descriptors 3 and 4,
NUL-separated JSON), so it needs nothing beyond the standard library and the Debian
``chromium`` package. The page's content-security policy is bypassed while checking,
so that any reference to a remote resource becomes a real request and is listed (with
the policy on, the browser would only refuse it). Reported: console errors and
warnings, uncaught exceptions, browser log errors, and every request that is not the
file itself or a ``data:`` URI.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from profiles.errors import MisperError

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class BrowserUnavailable(MisperError):
    """No Chromium on this machine (install the Debian package ``chromium``)."""


def find_chromium() -> str | None:
    explicit = os.environ.get("MISPER_CHROMIUM")
    if explicit:
        return explicit
    for name in CHROMIUM_CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


@dataclass
class BrowserCheck:
    url: str
    console: list[str] = field(default_factory=list)      # "error: text"
    exceptions: list[str] = field(default_factory=list)
    log_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)     # external (not the file, not data:)
    loaded: bool = False
    title: str = ""

    @property
    def problems(self) -> list[str]:
        return (
            ([] if self.loaded else ["the page did not finish loading"])
            + [f"console {c}" for c in self.console]
            + [f"exception: {e}" for e in self.exceptions]
            + [f"log: {e}" for e in self.log_errors]
            + [f"request: {r}" for r in self.requests]
        )


class _Pipe:
    def __init__(self, proc: subprocess.Popen, write_fd: int, read_fd: int) -> None:
        self.proc, self.wfd, self.rfd = proc, write_fd, read_fd
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        self.next_id += 1
        msg: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.wfd, json.dumps(msg).encode() + b"\0")
        return self.next_id

    def _read_message(self, deadline: float) -> dict[str, Any] | None:
        import select

        while b"\0" not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            ready, _, _ = select.select([self.rfd], [], [], remaining)
            if not ready:
                return None
            chunk = os.read(self.rfd, 1 << 16)
            if not chunk:
                raise MisperError("Chromium closed the DevTools pipe")
            self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 30) -> dict:
        wanted = self.send(method, params, session)
        deadline = time.monotonic() + timeout
        while True:
            msg = self._read_message(deadline)
            if msg is None:
                raise MisperError(f"Chromium did not answer {method} within {timeout:.0f} s")
            if msg.get("id") == wanted:
                if "error" in msg:
                    raise MisperError(f"Chromium refused {method}: {msg['error'].get('message')}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def pump(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while (msg := self._read_message(deadline)) is not None:
            if "method" in msg:
                self.events.append(msg)


def check_html(path: Path, *, settle_seconds: float = 0.5, timeout: float = 60) -> BrowserCheck:
    """Load ``path`` in headless Chromium; everything a reader's browser would complain about."""
    chromium = find_chromium()
    if not chromium:
        raise BrowserUnavailable("Chromium not found: install it (apt-get install -y chromium) or set MISPER_CHROMIUM")
    url = Path(path).resolve().as_uri()
    result = BrowserCheck(url=url)
    to_child_r, to_child_w = os.pipe()
    from_child_r, from_child_w = os.pipe()

    def _map_fds() -> None:  # the DevTools pipe is fd 3 (commands in) and fd 4 (replies out)
        # via fresh copies: a pipe end may already be fd 3 or 4, and dup2 onto itself
        # would leave it close-on-exec
        commands, replies = os.dup(to_child_r), os.dup(from_child_w)
        os.dup2(commands, 3)
        os.dup2(replies, 4)

    with tempfile.TemporaryDirectory(prefix="misper-chromium-") as profile:
        proc = subprocess.Popen(
            [
                chromium, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
                "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                "--disable-extensions", "--disable-sync", "--disable-component-update",
                "--disable-default-apps", "--mute-audio", f"--user-data-dir={profile}", "about:blank",
            ],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=_map_fds, close_fds=False,
        )
        os.close(to_child_r)
        os.close(from_child_w)
        pipe = _Pipe(proc, to_child_w, from_child_r)
        try:
            target = pipe.call("Target.createTarget", {"url": "about:blank"}, timeout=timeout)["targetId"]
            session = pipe.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            for method in ("Runtime.enable", "Log.enable", "Network.enable", "Page.enable"):
                pipe.call(method, session=session)
            pipe.call("Page.setBypassCSP", {"enabled": True}, session=session)
            pipe.call("Page.navigate", {"url": url}, session=session, timeout=timeout)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and not any(
                e.get("method") == "Page.loadEventFired" for e in pipe.events
            ):
                pipe.pump(0.2)
            pipe.pump(settle_seconds)
            title = pipe.call("Runtime.evaluate", {"expression": "document.title", "returnByValue": True},
                              session=session)
            result.title = title.get("result", {}).get("value", "")
        finally:
            try:
                pipe.send("Browser.close")
                proc.wait(timeout=10)
            except Exception:  # noqa: BLE001 - the browser is going away either way
                proc.kill()
                proc.wait()
            os.close(to_child_w)
            os.close(from_child_r)
    for event in pipe.events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Page.loadEventFired":
            result.loaded = True
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "warning", "assert"):
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
            result.console.append(f"{params['type']}: {text}")
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            result.exceptions.append(details.get("exception", {}).get("description") or details.get("text", ""))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") in ("error", "warning"):
            entry = params["entry"]
            result.log_errors.append(f"{entry.get('source')}: {entry.get('text')} {entry.get('url', '')}".strip())
        elif method == "Network.requestWillBeSent":
            req_url = params.get("request", {}).get("url", "")
            if req_url != url and not req_url.startswith("data:"):
                result.requests.append(req_url)
    return result
