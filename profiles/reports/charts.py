"""Charts with matplotlib, as inline SVG that is the same bytes for the same data.

No pyplot (no global figure state): each chart builds a ``matplotlib.figure.Figure``.
SVG ids come from a fixed hash salt and the date metadata is left out, so the HTML of
a report is byte-identical for the same inputs. Text stays text (``svg.fonttype =
none``): smaller, searchable, and read by screen readers with the figure's alt text.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import matplotlib

matplotlib.use("Agg")
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure as MplFigure  # noqa: E402

from profiles.reports.objects import Figure  # noqa: E402

PALETTE = ("#1d4f91", "#d4a300", "#6f777b", "#b10e1e", "#28a197", "#912b88")
_RC = {
    "svg.hashsalt": "misper",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 10,
    "figure.dpi": 100,
}


def new_figure(width: float = 7.0, height: float = 3.2) -> MplFigure:
    with matplotlib.rc_context(_RC):
        return MplFigure(figsize=(width, height), layout="constrained")


@contextmanager
def drawing(width: float = 7.0, height: float = 3.2) -> Iterator[tuple[MplFigure, Axes]]:
    """A new figure and its one set of axes, to draw on in the house style (``_RC``)."""
    fig = new_figure(width, height)
    with matplotlib.rc_context(_RC):
        yield fig, fig.add_subplot()


def to_svg(fig: MplFigure, prefix: str = "fig") -> str:
    """The figure as SVG markup for inlining (no XML prolog, no date).

    Element ids get ``prefix`` so that several charts in one page keep unique ids.
    """
    buf = io.StringIO()
    with matplotlib.rc_context(_RC):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, count=1, flags=re.S)
    # Fixed-size SVG scales with the page.
    svg = re.sub(r'<svg([^>]*?) width="[^"]+" height="[^"]+"', r"<svg\1", svg, count=1)
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", svg)
    return re.sub(r'xlink:href="#([^"]+)"', rf'xlink:href="#{prefix}-\1"', svg)


def to_png_data_uri(fig: MplFigure, dpi: int = 150) -> str:
    """The figure as an embedded PNG (for maps, where SVG would be large)."""
    buf = io.BytesIO()
    with matplotlib.rc_context(_RC):
        fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def bar_chart(
    *, id: str, caption: str, alt: str,
    labels: Sequence[str],
    series: dict[str, Sequence[float]],
    xlabel: str = "",
    ylabel: str = "Incidents",
    horizontal: bool = False,
) -> Figure:
    """Grouped bars, one group per label and one colour per series."""
    with drawing(7.0, max(2.6, 0.28 * len(labels) + 1.0) if horizontal else 3.2) as (fig, ax):
        n = max(len(series), 1)
        width = 0.8 / n
        positions = range(len(labels))
        for k, (name, values) in enumerate(series.items()):
            offs = [p - 0.4 + width * (k + 0.5) for p in positions]
            vals = [float(v) if v == v else 0.0 for v in values]  # NaN (withheld) as 0
            if horizontal:
                ax.barh(offs, vals, height=width, label=name, color=PALETTE[k % len(PALETTE)])
            else:
                ax.bar(offs, vals, width=width, label=name, color=PALETTE[k % len(PALETTE)])
        if horizontal:
            ax.set_yticks(list(positions), list(labels))
            ax.invert_yaxis()
            ax.set_xlabel(ylabel)
        else:
            ax.set_xticks(list(positions), list(labels), rotation=45 if len(labels) > 8 else 0, ha="right" if len(labels) > 8 else "center")
            ax.set_ylabel(ylabel)
            ax.set_xlabel(xlabel)
        if len(series) > 1:
            ax.legend(frameon=False)
    return Figure(id=id, caption=caption, alt=alt, svg=to_svg(fig, f"fig-{id}"))


def line_chart(
    *, id: str, caption: str, alt: str,
    labels: Sequence[str],
    series: dict[str, Sequence[float]],
    ylabel: str = "Incidents",
    bands: dict[str, tuple[Sequence[float], Sequence[float]]] | None = None,
) -> Figure:
    """Lines over labelled points (months), with optional shaded bands (control limits)."""
    with drawing() as (fig, ax):
        x = list(range(len(labels)))
        for name, (low, high) in (bands or {}).items():
            ax.fill_between(x, list(low), list(high), color="#dddddd", label=name, linewidth=0)
        for k, (name, values) in enumerate(series.items()):
            ax.plot(x, [float(v) for v in values], marker="o", markersize=3, label=name, color=PALETTE[k % len(PALETTE)])
        step = max(1, len(labels) // 12)
        ax.set_xticks(x[::step], list(labels)[::step], rotation=45, ha="right")
        ax.set_ylabel(ylabel)
        ax.set_ylim(bottom=0)
        if len(series) + len(bands or {}) > 1:
            ax.legend(frameon=False)
    return Figure(id=id, caption=caption, alt=alt, svg=to_svg(fig, f"fig-{id}"))


def heatmap(
    *, id: str, caption: str, alt: str,
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[float]],
    colorbar_label: str = "Incidents",
) -> Figure:
    """A grid of counts (day of week by hour of day)."""
    with drawing(7.0, 2.8) as (fig, ax):
        im = ax.imshow([[float(v) for v in r] for r in values], aspect="auto", cmap="Blues")
        ax.set_yticks(range(len(rows)), list(rows))
        ax.set_xticks(range(len(columns)), list(columns))
        fig.colorbar(im, ax=ax, label=colorbar_label)
    return Figure(id=id, caption=caption, alt=alt, svg=to_svg(fig, f"fig-{id}"))
