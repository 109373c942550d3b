"""The report's charts: matplotlib figures (Agg, no display) rendered to base64 PNG."""

from __future__ import annotations

import base64
import io
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# Bar colours, distinct from everything else on the page, so a screenshot test can find them.
RISK_COLOUR = "#c23b22"
PRACTICE_COLOUR = "#1f5f99"
OTHER_COLOUR = "#7a7a7a"
DPI = 100


def figure_png(figure: Figure) -> str:
    """A figure as a base64 PNG (for a ``data:`` URI)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def bar_colour(kind: str) -> str:
    return {"risk_factor": RISK_COLOUR, "practice_weakness": PRACTICE_COLOUR}.get(
        kind, OTHER_COLOUR
    )


def plot_prevalence(prevalence: pd.DataFrame) -> Figure:
    """Horizontal bars: share of documents per theme, with 95% Wilson intervals.

    ``prevalence`` needs columns label, kind, n, of, share, low and high.
    """
    figure = _figure(figsize=(9, 0.42 * len(prevalence) + 1.6))
    axes = figure.subplots()
    ordered = prevalence.iloc[::-1]
    positions = np.arange(len(ordered))
    shares = ordered["share"].to_numpy() * 100
    errors = np.vstack(
        [shares - ordered["low"].to_numpy() * 100, ordered["high"].to_numpy() * 100 - shares]
    ).clip(min=0.0)  # matplotlib rejects a whisker of -1e-14
    colours = [bar_colour(kind) for kind in ordered["kind"]]
    axes.barh(positions, shares, color=colours, xerr=errors, capsize=3, ecolor="#333333")
    axes.set_yticks(positions, list(ordered["label"]))
    for y, (high, n, of) in enumerate(
        zip(ordered["high"], ordered["n"], ordered["of"], strict=True)
    ):
        axes.text(high * 100 + 1.5, y, f"{n}/{of}", va="center", fontsize=8)
    axes.set_xlim(0, 110)  # room for the labels right of an interval that reaches 100%
    axes.set_xticks(range(0, 101, 20))
    n_documents = int(prevalence["of"].max()) if len(prevalence) else 0
    axes.set_xlabel("% of documents reporting the theme (bars: 95% Wilson interval)")
    axes.set_title(f"Theme prevalence across {n_documents} documents")
    _kind_legend(axes)
    figure.tight_layout()
    return figure


def plot_heatmap(matrix: pd.DataFrame, title: str, colourbar: str) -> Figure:
    """A heat map of counts, each cell labelled."""
    width = max(7.5, 4.5 + 0.75 * matrix.shape[1])  # room for the row labels and colour bar
    figure = _figure(figsize=(width, 1.8 + 0.5 * matrix.shape[0]))
    axes = figure.subplots()
    values = matrix.to_numpy(dtype=float)
    image = axes.imshow(values, cmap="Purples", vmin=0, aspect="auto")
    axes.set_xticks(range(matrix.shape[1]), [_short(c) for c in matrix.columns])
    axes.tick_params(axis="x", labelrotation=40)
    for label in axes.get_xticklabels():
        label.set_horizontalalignment("right")
    axes.set_yticks(range(matrix.shape[0]), [_short(r) for r in matrix.index])
    top = values.max() if values.size else 0
    for (row, column), count in np.ndenumerate(values):
        colour = "white" if top and count > top / 2 else "black"
        axes.text(column, row, f"{count:g}", ha="center", va="center", fontsize=8, color=colour)
    figure.colorbar(image, ax=axes, label=colourbar)
    axes.set_title(title)
    figure.tight_layout()
    return figure


def plot_groups(by_group: pd.DataFrame, labels: dict[str, str], title: str) -> Figure:
    """Theme x group heat map of shares (%), from a ``prevalence_by`` table."""
    shares = by_group.pivot(index="theme_id", columns="group", values="share") * 100
    groups = list(dict.fromkeys(by_group["group"]))
    themes = list(dict.fromkeys(by_group["theme_id"]))
    shares = shares.reindex(index=themes, columns=groups).round(0)
    sizes = by_group.drop_duplicates("group").set_index("group")["of"]
    shares.columns = pd.Index([f"{g} (n={sizes[g]})" for g in groups])
    shares.index = pd.Index([labels.get(t, t) for t in themes])
    return plot_heatmap(shares, title, "% of the group's documents")


def _short(text: object, width: int = 28) -> str:
    text = str(text).replace("_", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def _kind_legend(axes: Axes) -> None:
    from matplotlib.patches import Patch

    handles = [
        Patch(color=RISK_COLOUR, label="risk factor"),
        Patch(color=PRACTICE_COLOUR, label="practice weakness"),
    ]
    axes.legend(
        handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, frameon=False
    )


def _figure(figsize: tuple[float, float]) -> Figure:
    from matplotlib.figure import Figure  # no pyplot: no global state, no display needed

    return Figure(figsize=figsize)
