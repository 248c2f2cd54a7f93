"""Each category of the field lives in one place: sql/macros/categories.sql.

The Python lists (profiles.categories) must be what the classifying macros return, and no other
file may write a category's literal (the child age, the risk order, the flag order, band edges
or band lists) again.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest

from profiles import categories
from profiles.canonical import MISSING_FROM_TYPES

ROOT = Path(__file__).resolve().parent.parent
HOME = ROOT / "sql" / "macros" / "categories.sql"


@pytest.fixture(scope="module")
def con():
    """The category macros alone, on an in-memory database working in London time."""
    c = duckdb.connect(":memory:")
    c.execute("SET TimeZone = 'Europe/London'")
    c.execute(HOME.read_text(encoding="utf-8"))
    yield c
    c.close()


def _first_seen(values):
    seen = []
    for v in values:
        if v not in seen:
            seen.append(v)
    return tuple(seen)


def test_age_bands_are_what_age_band_returns_from_youngest_to_oldest(con):
    got = [r[0] for r in con.execute(
        "select age_band(a) from (select unnest(list_append(range(0, 121), null)) as a) order by a nulls last").fetchall()]
    assert _first_seen(got) == categories.AGE_BANDS
    assert con.execute("select age_bands()").fetchone()[0] == list(categories.AGE_BANDS)


def test_a_child_is_under_18_at_the_report(con):
    rows = con.execute(
        "select a, is_child(a), child_adult(a) from (values (17), (18), (null)) t(a) order by a nulls last"
    ).fetchall()
    assert rows == [(17, True, "child"), (18, False, "adult"), (None, None, "unknown")]
    got = [r[2] for r in rows]
    assert tuple(got) == categories.CHILD_ADULT


def _at(hours: float) -> datetime:
    return datetime(2024, 1, 1, tzinfo=timezone.utc) + timedelta(hours=hours)


@pytest.mark.parametrize(
    ("hours", "band"),
    [(8, "0-8h"), (8.01, "8-24h"), (24, "8-24h"), (48, "24-48h"), (168, "2-7d"), (28 * 24, "7-28d"),
     (365 * 24, "28d-1y"), (365 * 24 + 0.01, "over_1y")],
)
def test_duration_bands_have_inclusive_upper_bounds(con, hours, band):
    assert con.execute("select duration_band($r, $f)", {"r": _at(0), "f": _at(hours)}).fetchone()[0] == band


_MINUTES = "select $r::timestamptz as r, $r::timestamptz + to_minutes(m) as t from range(0, 60 * 24 * 400, 7) s(m)"


def test_duration_bands_are_what_duration_band_returns_shortest_first(con):
    got = [r[0] for r in con.execute(f"select duration_band(r, t) from ({_MINUTES}) order by t", {"r": _at(0)}).fetchall()]
    got.append(con.execute("select duration_band($r::timestamptz, null::timestamptz)", {"r": _at(0)}).fetchone()[0])
    assert _first_seen(got) == categories.DURATION_BANDS


@pytest.mark.parametrize(
    ("hours", "band"),
    [(0, "0-24h"), (24, "0-24h"), (24.01, "24-72h"), (72, "24-72h"), (72.01, "3-28d"), (28 * 24, "3-28d"),
     (365 * 24, "28d-1y"), (365 * 24 + 0.01, "over_1y")],
)
def test_open_bands_have_inclusive_upper_bounds(con, hours, band):
    assert con.execute("select open_band($r, $m)", {"r": _at(0), "m": _at(hours)}).fetchone()[0] == band


def test_open_bands_are_what_open_band_returns_shortest_first(con):
    got = [r[0] for r in con.execute(f"select open_band(r, t) from ({_MINUTES}) order by t", {"r": _at(0)}).fetchall()]
    assert _first_seen(got) == categories.OPEN_BANDS


def test_the_risk_order_ranks_high_above_medium_above_low_above_no_apparent_risk(con):
    order = categories.RISK_ORDER
    for i, lower in enumerate(order):
        for higher in order[i:]:
            assert con.execute("select highest_risk($a, $b), highest_risk($b, $a)",
                               {"a": lower, "b": higher}).fetchone() == (higher, higher)
    assert categories.RISK_CODES == tuple(reversed(order))
    assert order[-1] == "high" and order[0] == "no_apparent_risk"


def test_the_flag_order_is_the_order_flag_codes_returns(con):
    got = con.execute("select flag_codes(true, true, true, true, true, true, true)").fetchone()[0]
    assert tuple(got) == categories.FLAG_CODES
    assert con.execute("select canonical_flags(['dementia', 'cse', 'dementia'])").fetchone()[0] == ["cse", "dementia"]


def test_placement_types_and_care_settings_are_what_their_macros_return(con):
    placements = [con.execute("select placement_type($t)", {"t": t}).fetchone()[0] for t in (*MISSING_FROM_TYPES, None)]
    assert set(placements) == set(categories.PLACEMENT_TYPES)
    care = [con.execute("select care_setting($t)", {"t": t}).fetchone()[0] for t in MISSING_FROM_TYPES]
    assert tuple(c for c in care if c) == categories.CARE_SETTING_TYPES


# ---- no second home ---------------------------------------------------------------------

_Q = "['\"]"


def _run(codes: str, n: int) -> re.Pattern:
    """``n`` or more quoted codes of one list in a row (a list written out again)."""
    one = f"{_Q}(?:{codes}){_Q}"
    return re.compile(r"\s*,\s*".join([one] * n))


#: Patterns that write a category's rule: a child age compared, a risk, flag or band list
#: (several of its codes in a row), or a band edge in seconds.
LITERALS = {
    "child age": re.compile(r"\bage\w*\s*(?:<|>=|<=|>)\s*1[78]\b|\bbetween\s+12\s+and\s+17\b", re.I),
    "risk order": _run("no_apparent_risk|low|medium|high", 3),
    "flag order": _run("cse|cce|trafficking|mental_health|suicidal|dementia|learning_disability", 4),
    "age bands": _run(r"0-11|12-14|15-17|18-21|22-39|40-59|60-79|80\+", 2),
    "duration or open bands": _run("0-8h|8-24h|24-48h|2-7d|7-28d|28d-1y|over_1y|0-24h|24-72h|3-28d", 2),
    "band edge": re.compile(r"\b(?:8|24|48|72)\s*\*\s*3600\b|\b(?:7|28|365)\s*\*\s*86400\b"),
}


def _sources():
    for folder in ("sql", "profiles"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in (".sql", ".py") and path != HOME:
                yield path


def test_the_scan_finds_each_kind_of_literal_it_looks_for():
    home = HOME.read_text(encoding="utf-8")
    samples = {
        "child age": "when age_at_report < 18 then",
        "risk order": "['no_apparent_risk', 'low', 'medium', 'high']",
        "flag order": '("cse", "cce", "trafficking", "mental_health")',
        "age bands": '("0-11", "12-14")',
        "duration or open bands": "('0-8h', '8-24h')",
        "band edge": "<= 72 * 3600",
    }
    for kind, text in samples.items():
        assert LITERALS[kind].search(text), kind
        if kind != "flag order":  # written there as flag_codes(), one case per flag
            assert LITERALS[kind].search(home), f"{kind} is not in its home"


def test_no_category_literal_is_written_outside_sql_macros_categories():
    found = []
    for path in _sources():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for kind, pattern in LITERALS.items():
                if pattern.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {kind}: {line.strip()}")
    assert not found, "category literals outside sql/macros/categories.sql:\n" + "\n".join(found)


def test_the_cached_lists_are_the_macros_lists_and_a_bad_cache_is_asked_again(tmp_path, monkeypatch):
    from profiles import categories

    sql = categories._MACROS.read_text(encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    cache = categories._cache_file(sql)
    assert cache.parent == tmp_path / "misper"
    assert categories._cache_file(sql + "\n-- edited") != cache  # an edited macro file is asked again
    categories._lists.cache_clear()
    try:
        first = categories._lists()  # a miss: asked of DuckDB, then written
        assert first == categories._from_macros(sql) and cache.is_file()
        cache.write_text('{"age_bands": ["wrong"]}', encoding="utf-8")  # not every list: ignored
        categories._lists.cache_clear()
        assert categories._lists() == first
        assert categories.RISK_CODES == tuple(reversed(first["risk_order"]))
    finally:
        categories._lists.cache_clear()
