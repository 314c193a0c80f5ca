"""A bar chart of the ontwikkelpunten per basisfunctie by status, as PNG bytes (matplotlib)."""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

COLOURS = {"open": "#9db4d8", "in uitvoering": "#1d4f91", "afgerond": "#3a8f5c",
           "vervallen": "#b9b9b9"}


def status_chart(counts: tuple[tuple[str, dict[str, int]], ...]) -> bytes:
    """Horizontal stacked bars: one per basisfunctie, a segment per status."""
    labels = [label for label, _ in counts]
    figure = Figure(figsize=(7.5, 3.2), dpi=120)  # no pyplot: no global state
    FigureCanvasAgg(figure)
    axes = figure.subplots()
    left = [0] * len(counts)
    for status, colour in COLOURS.items():
        values = [by_status.get(status, 0) for _, by_status in counts]
        axes.barh(labels, values, left=left, color=colour, label=status, height=0.6)
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.invert_yaxis()
    axes.set_xlabel("aantal ontwikkelpunten")
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(ncols=4, loc="upper center", bbox_to_anchor=(0.5, -0.25), frameon=False)
    axes.set_title("Ontwikkelpunten per basisfunctie en status", loc="left", fontsize=11)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
