"""How misper's flows and tasks run: directly (an ad hoc command) or under Prefect.

``@job(name=...)`` marks a flow and ``@step(name=..., retries=...)`` a task. Neither imports
Prefect. A call runs under Prefect when Prefect is in charge, that is inside a Prefect flow
run (a deployment's run, a worker's, `misper serve`), or when a Prefect server is
configured (``PREFECT_API_URL``, or Prefect's own settings once Prefect is imported, as
the test harness sets them). Otherwise the flow function is called directly, in the
command's own process: no server is started, nothing is left running after the command
ends or is killed, and start-up costs no more than the imports of the work itself.

Either way the run lands in misper's run log (profiles/runlog.py, beside the database):
start, end, state, parameters and the Markdown summary the Prefect artifact carries, so
``misper runs`` lists ad hoc and scheduled runs together.

``job.prefect`` is the Prefect flow (built on first use), for deployments;
``step.prefect`` the Prefect task. Only I/O steps retry (``retry_if``), in both modes.
"""

from __future__ import annotations

import contextvars
import functools
import inspect
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

#: Where the Prefect flows live as module attributes (a deployment's entry point).
PREFECT_ENTRY_MODULE = "pipelines.flows.prefect_flows"

#: The run log entry of the job being run in this context (None outside a job).
CURRENT_RUN: contextvars.ContextVar[Any] = contextvars.ContextVar("misper_current_run", default=None)


def prefect_in_charge() -> bool:
    """True inside a Prefect flow run, or when a Prefect server is configured."""
    if "prefect" in sys.modules:
        from prefect.context import FlowRunContext
        from prefect.settings import get_current_settings

        if FlowRunContext.get() is not None:
            return True
        return bool(get_current_settings().api.url)
    return bool(os.environ.get("PREFECT_API_URL", "").strip())


def in_prefect_run() -> bool:
    """True inside a Prefect flow run (a step then runs as a Prefect task)."""
    if "prefect" not in sys.modules:
        return False
    from prefect.context import FlowRunContext

    return FlowRunContext.get() is not None


def jsonable(value: Any) -> Any:
    """A parameter as Prefect stores it (JSON): a month as ``YYYY-MM``, a date as ISO, a path as text."""
    from profiles.periods import FinancialYear, Month

    if isinstance(value, Month):
        return value.label
    if isinstance(value, FinancialYear):
        return value.first_day.year
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


@dataclass(eq=False)
class Step:
    """One task: a function of ``profiles/`` or one I/O step."""

    fn: Callable[..., Any]
    name: str
    retries: int = 0
    retry_delay_seconds: float = 0
    #: Which exceptions are worth a retry (None: none are).
    retry_if: Callable[[BaseException], bool] | None = None
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        functools.update_wrapper(self, self.fn)  # type: ignore[arg-type]

    def with_options(self, *, retries: int | None = None, retry_delay_seconds: float | None = None) -> "Step":
        changes: dict[str, Any] = {"_cache": {}}
        if retries is not None:
            changes["retries"] = retries
        if retry_delay_seconds is not None:
            changes["retry_delay_seconds"] = retry_delay_seconds
        return replace(self, **changes)

    @property
    def prefect(self):  # noqa: ANN201 - prefect.Task
        if "task" not in self._cache:
            from prefect import task
            from prefect.cache_policies import NO_CACHE

            retry_if = self.retry_if

            def condition(_task, _task_run, state) -> bool:  # noqa: ANN001 - Prefect's callback signature
                exc = state.data if isinstance(state.data, BaseException) else state.result(raise_on_failure=False)
                return bool(retry_if and isinstance(exc, BaseException) and retry_if(exc))

            self._cache["task"] = task(
                self.fn, name=self.name, cache_policy=NO_CACHE, retries=self.retries,
                retry_delay_seconds=self.retry_delay_seconds, retry_condition_fn=condition,
            )
        return self._cache["task"]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if in_prefect_run():
            return self.prefect(*args, **kwargs)
        attempt = 0
        while True:
            try:
                return self.fn(*args, **kwargs)
            except Exception as exc:
                if attempt >= self.retries or not (self.retry_if and self.retry_if(exc)):
                    raise
                attempt += 1
                time.sleep(self.retry_delay_seconds)


def step(*, name: str, retries: int = 0, retry_delay_seconds: float = 0,
         retry_if: Callable[[BaseException], bool] | None = None) -> Callable[[Callable[..., Any]], Step]:
    def decorate(fn: Callable[..., Any]) -> Step:
        return Step(fn, name, retries, retry_delay_seconds, retry_if)

    return decorate


@dataclass(eq=False)
class Job:
    """One flow: orders steps (and other jobs); recorded in the run log however it runs."""

    fn: Callable[..., Any]
    name: str
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        functools.update_wrapper(self, self.fn)  # type: ignore[arg-type]

    @property
    def prefect(self):  # noqa: ANN201 - prefect.Flow
        """The Prefect flow: parameters as JSON, the same function inside."""
        if "flow" not in self._cache:
            from prefect import flow

            inner = self.fn

            @functools.wraps(inner)
            def under_prefect(*args: Any, **kwargs: Any) -> Any:
                return self._recorded(args, kwargs, mode="prefect")

            # the annotations resolved in the flow's own module (Prefect validates parameters by them)
            under_prefect.__signature__ = inspect.signature(inner, eval_str=True)  # type: ignore[attr-defined]
            self._cache["flow"] = flow(under_prefect, name=self.name)
        return self._cache["flow"]

    def _recorded(self, args: tuple, kwargs: dict, *, mode: str) -> Any:
        from profiles import runlog

        bound = inspect.signature(self.fn).bind(*args, **kwargs)
        bound.apply_defaults()
        parameters = dict(bound.arguments)
        entry = runlog.start(self.name, parameters, mode=mode, prefect_run_id=_prefect_run_id(),
                             parent=CURRENT_RUN.get())
        token = CURRENT_RUN.set(entry)
        try:
            result = self.fn(*args, **kwargs)
        except BaseException as exc:
            runlog.finish(entry, error=exc)
            raise
        finally:
            CURRENT_RUN.reset(token)
        runlog.finish(entry)
        return result

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if prefect_in_charge():
            return self.prefect(*jsonable(list(args)), **{k: jsonable(v) for k, v in kwargs.items()})
        return self._recorded(args, kwargs, mode="direct")


def job(*, name: str) -> Callable[[Callable[..., Any]], Job]:
    def decorate(fn: Callable[..., Any]) -> Job:
        return Job(fn, name)

    return decorate


def _prefect_run_id() -> str | None:
    if not in_prefect_run():
        return None
    from prefect.context import FlowRunContext

    ctx = FlowRunContext.get()
    return str(ctx.flow_run.id) if ctx and ctx.flow_run else None


def scheduled_start():  # noqa: ANN201 - datetime | None
    """When a deployment's run was scheduled (None for an ad hoc run, or outside Prefect)."""
    if not in_prefect_run():
        return None
    from prefect.runtime import deployment, flow_run

    if deployment.id is None:
        return None
    return flow_run.scheduled_start_time


def publish(markdown: str, key: str, description: str) -> None:
    """The run's Markdown summary: into the run log, and as a Prefect artifact under Prefect."""
    from profiles import runlog

    entry = CURRENT_RUN.get()
    if entry is not None:
        runlog.attach_summary(entry, key, markdown)
    if in_prefect_run():
        from prefect.artifacts import create_markdown_artifact

        create_markdown_artifact(markdown=markdown, key=key, description=description)
