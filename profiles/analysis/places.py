"""High-demand sites: the ranked sites table and persistent / emerging sites.

A site's incidents are the episodes whose go-missing location the geocoder matched to
it (``episode_locations.site_id`` for role ``missing_from``); see docs/methods.md.
Functions take ``(con, settings, period)`` where ``period`` is the last month of the
window (``profiles.periods.Month``) and return DataFrames whose columns are listed in
their docstrings.
"""

from __future__ import annotations


import duckdb
import numpy as np
import pandas as pd
from scipy import stats

from profiles.analysis.places_common import area_names, require_tables
from profiles.analysis.people_common import install_marts, repeat_params
from profiles.config import Settings
from profiles.disclosure import check_audience, site_display, suppress_counts
from profiles.db import query_df, run_sql
from profiles.errors import InvalidValue
from profiles.periods import Month

#: The `misper sites` columns, in order (the contract of issue 4).
SITE_RANKING_COLUMNS: tuple[str, ...] = (
    "site_id",
    "site_ref",
    "name",
    "type",
    "postcode",
    "easting",
    "northing",
    "lad_code",
    "incidents",
    "individuals",
    "repeat_individuals",
    "calls",
    "estimated_cost_gbp",
    "change_vs_previous",
)

#: Reference data the sites table draws on (names, positions, care-home register).
SITE_ATTRIBUTION_KINDS = ("cqc", "user_sites", "codepoint", "boundary")


def prepare_site_episodes(con: duckdb.DuckDBPyConnection) -> None:
    """Create the ``site_episodes`` view (sql/marts/sites_episodes.sql) on this connection."""
    require_tables(con, "episodes", "episode_locations", "sites")
    install_marts(con)  # episode_facts(), which the view reads; episode_repeats(): the repeat rule
    run_sql(con, "marts/sites_episodes.sql")


def cost_params(settings: Settings) -> dict[str, list]:
    """Unit costs as two parallel lists for SQL binding (risk grades without a cost count 0)."""
    costs = settings.costs.unit_cost_gbp
    return {"cost_risks": list(costs), "cost_values": [float(v) for v in costs.values()]}


def site_ranking(
    con: duckdb.DuckDBPyConnection, settings: Settings, period: Month, *, months: int | None = None,
    audience: str = "police",
) -> pd.DataFrame:
    """Sites ranked by incidents over the ``months`` months up to and including ``period``.

    Columns (``SITE_RANKING_COLUMNS``): site_id, site_ref, name, type, postcode, easting,
    northing, lad_code, incidents, individuals, repeat_individuals, calls,
    estimated_cost_gbp, change_vs_previous. One row per site with at least one incident
    in the window, highest first (ties: more individuals, more calls, site_id).

    - incidents: episodes reported in the window whose go-missing location matched the site;
    - individuals: distinct persons among them;
    - repeat_individuals: those persons who, on a report in the window (from anywhere),
      had ``settings.repeat.threshold`` or more reports within ``settings.repeat.window_days``
      days (earlier reports count);
    - calls: recorded calls (unrecorded counts 0);
    - estimated_cost_gbp: incidents x ``settings.costs.unit_cost_gbp`` of their initial risk;
    - change_vs_previous: incidents minus incidents in the equal-length window just before.

    For ``partner`` and ``public`` audiences sensitive sites (children's homes) are named
    "Children's home A (Bolton)" and lose their site_id; no row carries site_ref, postcode
    or coordinates; counts below ``settings.disclosure.suppression_threshold`` are withheld
    (``settings.disclosure.suppression_marker``) with secondary suppression down each
    column, and the cost and change of a row whose incidents are withheld go with them.
    """
    audience = check_audience(audience)
    months = settings.sites.ranking_months if months is None else months
    current = period.trailing(months)  # the months ranked; then the equal-length window before them
    previous = period.shift(-months).trailing(months)
    prepare_site_episodes(con)
    params = {
        "period_start": current.start,
        "period_end": current.end,
        "previous_start": previous.start,
        **repeat_params(settings),
        **cost_params(settings),
    }
    ranked = query_df(con, "reports/places_site_ranking.sql", params)
    if audience != "police":
        ranked = site_display(ranked, audience, area_names(con, "lad"))
        ranked = suppress_counts(
            ranked,
            ["incidents", "individuals", "repeat_individuals", "calls"],
            settings,
            derived={"estimated_cost_gbp": "incidents", "change_vs_previous": "incidents"},
        )
    return ranked.loc[:, list(SITE_RANKING_COLUMNS)].reset_index(drop=True)


def site_monthly_incidents(
    con: duckdb.DuckDBPyConnection, settings: Settings, period: Month, *, months: int
) -> pd.DataFrame:
    """Incidents per site per month over the window: site_id, month (date), incidents (0 kept)."""
    prepare_site_episodes(con)
    window = period.trailing(months)
    return query_df(con, "reports/places_site_months.sql", window.params())


def persistent_and_emerging_sites(
    con: duckdb.DuckDBPyConnection, settings: Settings, period: Month, *, months: int | None = None,
    audience: str = "police",
) -> pd.DataFrame:
    """Which sites are persistently high and which are rising now.

    Over the ``months`` months to ``period`` (default ``settings.sites.ranking_months``),
    with ``cfg = settings.sites``:

    - persistent: incidents >= ``cfg.persistent_min_monthly_incidents`` in at least
      ``cfg.persistent_min_share_of_months`` of the months;
    - emerging: the last ``cfg.emerging_recent_months`` months hold at least
      ``cfg.emerging_min_incidents`` incidents, at a monthly rate at least
      ``cfg.emerging_min_ratio`` times that of the earlier months (any rate if those had none).

    Columns: site_id, site_ref, name, type, lad_code, months, incidents, high_months,
    share_high_months, recent_incidents, recent_monthly_rate, earlier_monthly_rate,
    rate_ratio (empty when the earlier rate is 0), p_value_rising (exact conditional test that
    the recent share of the incidents is no more than the recent share of the months),
    persistent, emerging, status ("persistent", "emerging", "persistent, emerging" or "").
    One row per site with an incident in the window; persistent and emerging sites first,
    then by incidents.
    """
    audience = check_audience(audience)
    cfg = settings.sites
    months = cfg.ranking_months if months is None else months
    recent_n = cfg.emerging_recent_months
    if months <= recent_n:
        raise InvalidValue(
            "months", f"persistent/emerging sites need more than the {recent_n} recent months "
            f"(sites.emerging_recent_months), got {months}"
        )
    monthly = site_monthly_incidents(con, settings, period, months=months)
    columns = [
        "site_id", "site_ref", "name", "type", "lad_code", "months", "incidents", "high_months",
        "share_high_months", "recent_incidents", "recent_monthly_rate", "earlier_monthly_rate",
        "rate_ratio", "p_value_rising", "persistent", "emerging", "status",
    ]
    if monthly.empty:
        return pd.DataFrame(columns=columns)
    grid = monthly.pivot(index="site_id", columns="month", values="incidents").sort_index(axis=1)
    counts = grid.to_numpy(dtype=float)
    recent = counts[:, -recent_n:].sum(axis=1)
    earlier = counts[:, :-recent_n].sum(axis=1)
    total = counts.sum(axis=1)
    high = (counts >= cfg.persistent_min_monthly_incidents).sum(axis=1)
    earlier_rate = earlier / (months - recent_n)
    recent_rate = recent / recent_n
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(earlier_rate > 0, recent_rate / earlier_rate, np.nan)
    p_rising = stats.binom.sf(recent - 1, total, recent_n / months)
    persistent = high / months >= cfg.persistent_min_share_of_months
    emerging = (recent >= cfg.emerging_min_incidents) & (
        (earlier_rate == 0) | (ratio >= cfg.emerging_min_ratio)
    )
    result = pd.DataFrame(
        {
            "site_id": grid.index,
            "months": months,
            "incidents": total.astype(int),
            "high_months": high.astype(int),
            "share_high_months": np.round(high / months, 3),
            "recent_incidents": recent.astype(int),
            "recent_monthly_rate": np.round(recent_rate, 3),
            "earlier_monthly_rate": np.round(earlier_rate, 3),
            "rate_ratio": np.round(ratio, 3),
            "p_value_rising": np.round(p_rising, 5),
            "persistent": persistent,
            "emerging": emerging,
        }
    )
    result["status"] = [
        ", ".join(label for label, on in (("persistent", p), ("emerging", e)) if on)
        for p, e in zip(persistent, emerging)
    ]
    sites = query_df(con, "reports/places_site_positions.sql")[
        ["site_id", "site_ref", "name", "type", "lad_code", "sensitive"]
    ]
    result = result.merge(sites, on="site_id", how="left")
    result["_flagged"] = result["persistent"] | result["emerging"]
    result = result.sort_values(
        ["_flagged", "incidents", "site_id"], ascending=[False, False, True]
    ).reset_index(drop=True)
    if audience != "police":
        result = site_display(result, audience, area_names(con, "lad"))
        result = suppress_counts(
            result,
            ["incidents", "recent_incidents"],
            settings,
            # rates, their ratio and the test would give the withheld counts back
            derived={
                "recent_monthly_rate": "recent_incidents",
                "rate_ratio": "recent_incidents",
                "earlier_monthly_rate": "incidents",
                "p_value_rising": "incidents",
            },
        )
    return result.loc[:, columns]
