"""Issue 11 measures in the profile: each contract table (profiles/analysis/measures.py) as the
audience may see it, codes kept as in ``tables/<id>.csv``, and the sentences quoting them."""

from __future__ import annotations

from profiles.categories import OPEN_BANDS
from profiles.reports.objects import Table
from profiles.reports.profile.context import Context, plural


def measure_table(ctx: Context, id: str, caption: str, counts: tuple[str, ...], **kw) -> Table:
    """A measure's contract table (``tables/<id>.csv``) through disclosure for this audience."""
    return ctx.table(Table(id=id, caption=caption, data=ctx.data.measures[id], count_columns=counts, **kw))


def still_missing(ctx: Context) -> tuple[int, int, int, int]:
    """Incidents and people open at the end of the month, and incidents open over 28 days and over a year."""
    t = ctx.data.measures["open_at_period_end"]
    over_28d = int(t.loc[t["open_band"].isin(OPEN_BANDS[OPEN_BANDS.index("28d-1y"):]), "incidents"].sum())
    over_1y = int(t.loc[t["open_band"] == OPEN_BANDS[-1], "incidents"].sum())
    return int(t["incidents"].sum()), int(t["individuals"].sum()), over_28d, over_1y


def still_missing_sentence(ctx: Context) -> str:
    incidents, people, over_28d, over_1y = still_missing(ctx)
    return (f"{ctx.n(incidents)} {plural(incidents, 'report')} of {ctx.n(people)} {'person' if people == 1 else 'people'} "
            f"{'was' if incidents == 1 else 'were'} still open at the end of {ctx.data.month.title}: "
            f"{ctx.n(over_28d)} missing over 28 days, {ctx.n(over_1y)} over a year.")


def rates_table(ctx: Context) -> tuple[Table, str]:
    bench = ctx.settings.demand.benchmark
    table = measure_table(
        ctx, "rates_by_la", f"Incidents per 10,000 residents by local authority, twelve months to {ctx.data.month.title}",
        ("incidents", "individuals", "child_incidents"),
        derived={"incidents_per_10k": "incidents", "child_incidents_per_10k_children": "child_incidents"},
        additive_columns=False, body_columns=tuple(c for c in ctx.data.measures["rates_by_la"].columns if c != "lad_code"),
        notes=("Local authority of the go-missing point. Population: the mid-year estimates in the reference "
               "folder, in the ONS layout (their source is under Attribution).",))
    own = ctx.data.force_rate.set_index("area")
    rate = own.loc["force", "incidents_per_10k"]
    if rate is not None and rate == rate:
        text = (f"The force's rate over the twelve months was {rate:.1f} incidents per 10,000 residents "
                f"({ctx.n(own.loc['force', 'incidents'])} incidents); England and Wales {bench.year}: "
                f"{bench.incidents_per_10k:.1f} ({bench.incidents:,} incidents; {bench.source}).")
    else:
        text = (f"No population is imported, so no rate is shown; England and Wales {bench.year}: "
                f"{bench.incidents_per_10k:.1f} incidents per 10,000 residents ({bench.source}).")
    return table, text


def concentration_sentence(ctx: Context) -> str:
    top = ctx.data.top_people
    share = f" ({top.incidents / top.all_incidents:.0%})" if top.all_incidents and not ctx.small(top.incidents) else ""
    return (f"The {ctx.n(top.people)} people reported most often made {ctx.n(top.incidents)} of the "
            f"{ctx.n(top.all_incidents)} reports{share}; {ctx.n(top.looked_after_people)} of them were looked after "
            f"({ctx.n(top.looked_after_incidents)} reports). Ties: {ctx.n(top.tied_at_cut)} people share the count of "
            "the last one in, taken in pseudonym order.")
