"""HTML to PDF (WeasyPrint), in this process or in a second one beside it.

``pdf_bytes`` makes a PDF here. ``PdfMaker`` hands the HTML to a second process, started
as ``python -m profiles.reports.pdf PARENT_PID``, so that this one can go on (a profile's
leak check, its annex) while WeasyPrint keeps the other core busy. The two talk over the
second process's standard input and output, one frame each way (an 8-byte length, then a
pickle): a request ``(html, path, base_url)``; an answer ``("pdf", bytes)`` or
``("error", message)``. The second process ends at the end of its input, or as soon as
the process that started it is gone (``kill -9`` included): it is never left running.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from profiles.config import PROJECT_ROOT
from profiles.errors import MisperError
from profiles.files import write_bytes

_LENGTH = 8


def pdf_bytes(html: str, path: Path, base_url: Path) -> bytes:
    """``html`` as a PDF; ``path``, the file it is for, names it in an error. Only ``data:``
    URIs may be read: a report refers to nothing outside itself."""
    import logging

    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    fetcher = URLFetcher(allowed_protocols=["data"], fail_on_errors=True)
    try:
        return HTML(string=html, base_url=str(base_url), url_fetcher=fetcher).write_pdf()
    except FatalURLFetchingError as exc:
        raise MisperError(f"{path}: the report refers to an external resource ({exc}); "
                          "reports must be self-contained") from None


class PdfMaker:
    """PDFs made in a second process, the same bytes as ``pdf_bytes``.

    A context manager: ``start(html, path)`` hands the HTML over and returns the function
    that waits for the PDF and writes it (``profiles.files.write_bytes``); call it before the
    next ``start``. The process starts with the block and loads WeasyPrint while this one
    works; leaving the block on an error stops it at once."""

    def __init__(self, base_url: Path) -> None:
        self.base_url = base_url

    def __enter__(self) -> "PdfMaker":
        # the second process imports the package from where this one did
        paths = os.pathsep.join(p for p in (str(PROJECT_ROOT), os.environ.get("PYTHONPATH", "")) if p)
        self._process = subprocess.Popen(
            [sys.executable, "-m", "profiles.reports.pdf", str(os.getpid())],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": paths})
        return self

    def start(self, html: str, path: Path) -> Callable[[], None]:
        _send(self._process.stdin, (html, str(path), str(self.base_url)))

        def finish() -> None:
            answer = _receive(self._process.stdout)
            if answer is None:
                raise MisperError(f"{path}: the process making the PDF ended before it was done")
            kind, payload = answer
            if kind == "error":
                raise MisperError(payload)
            write_bytes(path, payload)

        return finish

    def __exit__(self, exc_type, *_) -> None:
        if exc_type is None:
            self._process.stdin.close()  # the end of its input: it ends
        else:
            self._process.kill()
        self._process.wait()
        self._process.stdout.close()


def _send(stream: BinaryIO, message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(len(data).to_bytes(_LENGTH, "big") + data)
    stream.flush()


def _receive(stream: BinaryIO) -> object | None:
    """The next message; None at the end of the stream."""
    head = stream.read(_LENGTH)
    if len(head) < _LENGTH:
        return None
    return pickle.loads(stream.read(int.from_bytes(head, "big")))


def _end_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _serve(parent: int) -> None:
    """The second process: answer each request on standard input until its end."""
    threading.Thread(target=_end_with, args=(parent,), name="end-with-parent", daemon=True).start()
    import weasyprint  # noqa: F401  (loaded now, beside the parent's work, not when the first PDF waits)

    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    while (request := _receive(requests)) is not None:
        html, path, base_url = request
        try:
            _send(answers, ("pdf", pdf_bytes(html, Path(path), Path(base_url))))
        except MisperError as exc:
            _send(answers, ("error", str(exc)))
        except Exception as exc:  # a fault in WeasyPrint: one line, as a MisperError is
            _send(answers, ("error", f"{path}: the PDF could not be made ({type(exc).__name__}: {exc})"))


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
