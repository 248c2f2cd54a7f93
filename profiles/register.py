"""The recommendations register: the board's actions, kept by the coordinator in one YAML file.

The profile's Recommendations section is read from it (``reports.recommendations_file``),
so a board tracks its actions from one profile to the next instead of reading sentences
that change with the month's numbers. The file (docs/reports.md)::

    recommendations:
      - id: R-2026-07
        text: Agree a joint protocol for children placed out of area with the placing authorities.
        owner: Children's safeguarding partnership
        raised: 2026-07-14
        due: 2026-10-31
        status: open            # open, done or dropped
        note: Draft circulated to the placing authorities in September.
        finding: return_interviews   # optional: the table (or key message) it rests on
      - id: R-2026-02
        ...
        status: done
        closed: 2026-10-20      # required for done and dropped, refused for open

``load_register`` reads and checks it: a problem names the file, the item (its position
and id) and the field, in one line (``RegisterError``). ``register_at`` places each item
as of the end of a month: raised in the month (new), open from before, closed in the
month, or not reported (closed earlier, raised later); an open item whose due date has
passed by the month's last day is overdue. The register's text is written by the
coordinator for the board: it is board text, shown to every audience, and the leak check
still reads every partner and public file it reaches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from profiles.errors import InputError
from profiles.periods import Month

#: The states an action can be in; done and dropped are closed and carry their closing date.
STATUSES: tuple[str, ...] = ("open", "done", "dropped")
#: What every item must have (``note``, ``finding`` and ``closed`` are optional).
REQUIRED_FIELDS: tuple[str, ...] = ("id", "text", "owner", "raised", "due", "status")

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class RegisterError(InputError):
    """The recommendations register cannot be read or an item is not valid; names file, item and field."""


class _Loader(yaml.SafeLoader):
    """YAML without implicit timestamps: a date stays text, so a bad one (2026-13-01) is
    refused with the item and field named instead of failing inside the YAML parser."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class RegisterItem(BaseModel):
    """One action the board agreed: who does what, by when, and where it stands."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    text: str
    owner: str
    raised: date
    due: date
    status: Literal["open", "done", "dropped"]
    note: str = ""
    finding: str | None = None
    closed: date | None = None

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("id", "text", "owner")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("is empty")
        return value.strip()

    @field_validator("note", "finding", mode="before")
    @classmethod
    def _optional_text(cls, value: Any) -> Any:
        if value is None:
            return None
        if not isinstance(value, str):
            raise ValueError(f"expected text, got {value!r}")
        return value.strip() or None

    @field_validator("note", mode="after")
    @classmethod
    def _note(cls, value: str | None) -> str:
        return value or ""

    @field_validator("raised", "due", "closed", mode="before")
    @classmethod
    def _iso_date(cls, value: Any) -> Any:
        if value is None or (isinstance(value, date) and type(value) is date):
            return value
        text = str(value).strip()
        if not _DATE.fullmatch(text):
            raise ValueError(f"'{value}' is not a date (expected YYYY-MM-DD)")
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"'{value}' is not a date (expected YYYY-MM-DD)") from None

    @field_validator("status", mode="before")
    @classmethod
    def _known_status(cls, value: Any) -> Any:
        if value not in STATUSES:
            raise ValueError(f"'{value}' is not a status (expected open, done or dropped)")
        return value

    @model_validator(mode="after")
    def _dates_agree(self) -> "RegisterItem":
        if self.due < self.raised:
            raise _FieldProblem("due", f"{self.due.isoformat()} is before raised {self.raised.isoformat()}")
        if self.status == "open" and self.closed is not None:
            raise _FieldProblem("closed", "an open item has no closed date (set status to done or dropped)")
        if self.status != "open" and self.closed is None:
            raise _FieldProblem("closed", f"missing: a {self.status} item needs the date it was closed")
        if self.closed is not None and self.closed < self.raised:
            raise _FieldProblem("closed", f"{self.closed.isoformat()} is before raised {self.raised.isoformat()}")
        return self

    @property
    def is_closed(self) -> bool:
        return self.status != "open"


class _FieldProblem(ValueError):
    """A rule across fields, worded for the field it is about."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        super().__init__(f"{field}: {problem}")


@dataclass(frozen=True)
class Register:
    """The register as read: its file and its items in file order."""

    path: Path
    items: tuple[RegisterItem, ...]


def _problems(exc: ValidationError) -> list[str]:
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err["loc"]]
        field = loc[0] if loc else ""
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            msg = f"missing (every item needs {', '.join(REQUIRED_FIELDS)})"
        elif err["type"] == "extra_forbidden":
            msg = ("not a field of an item (known: " + ", ".join(RegisterItem.model_fields) + ")")
        elif err["type"] == "string_type":
            msg = f"expected text, got {err['input']!r}"
        elif not field and ": " in msg:  # a rule across fields names its own field
            field, msg = msg.split(": ", 1)
        out.append(f"{field}: {msg}" if field else msg)
    return out


def _item_name(position: int, raw: Any) -> str:
    ident = raw.get("id") if isinstance(raw, dict) else None
    return f"item {position} (id {ident})" if ident not in (None, "") else f"item {position}"


def parse_register(text: str, path: Path) -> Register:
    """The register in ``text`` (read from ``path``, which the messages name)."""
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader without timestamps
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        raise RegisterError(f"{path}: not valid YAML{line} ({getattr(exc, 'problem', None) or exc})") from None
    if data is None:
        return Register(path=path, items=())
    if not isinstance(data, dict) or set(data) - {"recommendations"}:
        raise RegisterError(f"{path}: expected one key at the top, 'recommendations:', with a list of items")
    raw_items = data.get("recommendations") or []
    if not isinstance(raw_items, list):
        raise RegisterError(f"{path}: recommendations: expected a list of items (each line starting '- id: ...')")
    problems: list[str] = []
    items: list[RegisterItem] = []
    first_seen: dict[str, int] = {}
    for position, raw in enumerate(raw_items, start=1):
        name = _item_name(position, raw)
        if not isinstance(raw, dict):
            problems.append(f"{name}: expected the fields of an item (id, text, owner, ...), got {raw!r}")
            continue
        try:
            item = RegisterItem.model_validate(raw)
        except ValidationError as exc:
            problems += [f"{name}: {p}" for p in _problems(exc)]
            continue
        if item.id in first_seen:
            problems.append(f"items {first_seen[item.id]} and {position} (id {item.id}): id: used twice "
                            "(each item needs its own id)")
            continue
        first_seen[item.id] = position
        items.append(item)
    if problems:
        shown = problems[:5] + ([f"and {len(problems) - 5} more"] if len(problems) > 5 else [])
        raise RegisterError(f"{path}: " + "; ".join(shown))
    return Register(path=path, items=tuple(items))


def load_register(path: str | Path) -> Register:
    """Read and check the register at ``path`` (``reports.recommendations_file``)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RegisterError(f"{path}: recommendations register not found (reports.recommendations_file)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RegisterError(f"{path}: cannot read the recommendations register ({exc})") from None
    return parse_register(text, path)


# ---- where each item stands at the end of a month ---------------------------------------


@dataclass(frozen=True)
class PlacedItem:
    """An item as it stood at the end of the month."""

    item: RegisterItem
    #: ``new`` (raised in the month), ``open`` (raised before, open at the end) or
    #: ``closed`` (raised before, closed in the month).
    group: Literal["new", "open", "closed"]
    #: Open at the end of the month's last day (an item closed later was still open then).
    open_at_end: bool
    #: The end of the time open: the month's end (the day after its last day) for an open
    #: item, the day after the closing date for a closed one.
    until: date
    #: Open at the month's end with its due date on or before the month's last day.
    overdue: bool

    @property
    def days_open(self) -> int:
        """Calendar days open, the day raised and the last day counted (raised 1 October,
        open at the end of 31 October: 31 days)."""
        return (self.until - self.item.raised).days

    @property
    def days_overdue(self) -> int:
        """Days past the due date at the month's end (due 15 October, open at the end of
        31 October: 17 days); 0 when not overdue."""
        return (self.until - self.item.due).days if self.overdue else 0

    @property
    def how_long_open(self) -> str:
        return how_long(self.item.raised, self.until)

    @property
    def status_at_end(self) -> str:
        return "open" if self.open_at_end else self.item.status


@dataclass(frozen=True)
class RegisterAtMonth:
    """The register placed at the end of ``month``: the three groups a report lists."""

    month: Month
    new: tuple[PlacedItem, ...]
    open: tuple[PlacedItem, ...]
    closed: tuple[PlacedItem, ...]
    #: Items closed before the month (reported before) and raised after it (not yet known).
    closed_earlier: int
    raised_later: int

    @property
    def open_at_end(self) -> tuple[PlacedItem, ...]:
        return tuple(p for p in (*self.new, *self.open) if p.open_at_end)

    @property
    def overdue(self) -> tuple[PlacedItem, ...]:
        return tuple(p for p in self.open_at_end if p.overdue)

    @property
    def closed_in_month(self) -> tuple[PlacedItem, ...]:
        return tuple(p for p in (*self.new, *self.closed) if not p.open_at_end)


def register_at(register: Register, month: Month) -> RegisterAtMonth:
    """Each item of ``register`` as it stood at the end of ``month`` (its last day).

    Status is read as of that day, so a profile re-run for an earlier month shows what
    was open then: an item closed after the month was open at its end. Open items come
    most overdue first, then by due date; closed ones by closing date.
    """
    last = month.last_day
    new: list[PlacedItem] = []
    still_open: list[PlacedItem] = []
    closed: list[PlacedItem] = []
    closed_earlier = raised_later = 0
    for item in register.items:
        if item.raised > last:
            raised_later += 1
            continue
        open_at_end = item.closed is None or item.closed > last
        if not open_at_end and item.closed < month.first_day:
            closed_earlier += 1
            continue
        placed = PlacedItem(
            item=item,
            group="new" if item.raised >= month.first_day else ("open" if open_at_end else "closed"),
            open_at_end=open_at_end,
            until=month.end_day if open_at_end else item.closed + timedelta(days=1),
            overdue=open_at_end and item.due <= last,
        )
        {"new": new, "open": still_open, "closed": closed}[placed.group].append(placed)

    def open_order(p: PlacedItem) -> tuple:
        return (not p.overdue, -p.days_overdue, p.item.due, p.item.raised, p.item.id)

    return RegisterAtMonth(
        month=month,
        new=tuple(sorted(new, key=lambda p: (p.item.raised, p.item.id))),
        open=tuple(sorted(still_open, key=open_order)),
        closed=tuple(sorted(closed, key=lambda p: (p.item.closed, p.item.id))),
        closed_earlier=closed_earlier,
        raised_later=raised_later,
    )


def months_between(start: date, end: date) -> int:
    """Whole calendar months from ``start`` to ``end`` (1 March to 31 March: 0; to 1 April: 1)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


def how_long(start: date, until: date) -> str:
    """From ``start`` up to (not including) ``until``, for a board to read: '12 days',
    '1 month (35 days)', '7 months (214 days)'."""
    days, months = (until - start).days, months_between(start, until)
    if months < 1:
        return f"{days} day{'' if days == 1 else 's'}"
    return f"{months} month{'' if months == 1 else 's'} ({days} days)"


__all__ = [
    "REQUIRED_FIELDS",
    "STATUSES",
    "PlacedItem",
    "Register",
    "RegisterAtMonth",
    "RegisterError",
    "RegisterItem",
    "how_long",
    "load_register",
    "months_between",
    "parse_register",
    "register_at",
]
