"""Charts as inline SVG, drawn on the server: no script, no build step. Each names what it shows
(``role="img"`` with a title) and writes its numbers in it; the page puts the table with the same
numbers beside it, so nothing depends on seeing colour. The colours have at least 3:1 contrast
against the page and against each other's neighbours' edges (WCAG 1.4.11)."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

# Dark enough against white for 3:1 (non-text) and for white text on it (4.5:1).
STATUS_COLOURS = {"open": "#1f5f9e", "in uitvoering": "#7a4a00", "afgerond": "#24693d",
                  "vervallen": "#5a5a5a"}
FILLED, LEFT = "#24693d", "#d8dde3"  # a progress bar: what is done, and what is left (behind a dark edge)
ROW, LABEL = 28, 300  # the height of a bar's row, the width of its label


@dataclass(frozen=True)
class Bar:
    label: str
    parts: tuple[tuple[str, int], ...]  # (name, count), stacked left to right


def progress(done: int, total: int, label: str, width: int = 240) -> Markup:
    """One bar: ``done`` of ``total``, with the numbers written beside it."""
    filled = round(width * done / total) if total else 0
    title = f"{label}: {done} van {total} beantwoord"
    return Markup(
        f'<svg class="bar" role="img" aria-label="{escape(title)}" width="{width + 80}" height="18" '
        f'viewBox="0 0 {width + 80} 18"><title>{escape(title)}</title>'
        f'<rect x="0.5" y="2.5" width="{width}" height="13" fill="{LEFT}" stroke="#4b5563"/>'
        f'<rect x="0.5" y="2.5" width="{filled}" height="13" fill="{FILLED}"/>'
        f'<text x="{width + 8}" y="14" font-size="13">{done} / {total}</text></svg>')


def stacked(bars: list[Bar], title: str, width: int = 300) -> Markup:
    """Horizontal bars, one per label, of parts stacked by name, each part's count written in it
    (or after the bar when it is too narrow)."""
    most = max((sum(n for _, n in b.parts) for b in bars), default=0) or 1
    height = ROW * len(bars) + 8
    rows = []
    for i, bar in enumerate(bars):
        y, x = i * ROW + 4, LABEL
        rows.append(f'<text x="{LABEL - 8}" y="{y + 17}" font-size="13" text-anchor="end">'
                    f'{escape(_short(bar.label, 42))}</text>')
        for name, count in bar.parts:
            if not count:
                continue
            w = max(2, round(width * count / most))
            rows.append(f'<rect x="{x}" y="{y}" width="{w}" height="{ROW - 8}" '
                        f'fill="{STATUS_COLOURS.get(name, "#333")}"><title>{escape(name)}: {count}'
                        f'</title></rect>')
            if w >= 22:
                rows.append(f'<text x="{x + w / 2}" y="{y + 15}" font-size="12" fill="#fff" '
                            f'text-anchor="middle">{count}</text>')
            x += w
        total = sum(n for _, n in bar.parts)
        rows.append(f'<text x="{x + 6}" y="{y + 15}" font-size="12">{total}</text>')
    return Markup(
        f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{LABEL + width + 40}" '
        f'height="{height}" viewBox="0 0 {LABEL + width + 40} {height}"><title>{escape(title)}'
        f'</title>{"".join(rows)}</svg>')


def _short(text: str, most: int) -> str:
    return text if len(text) <= most else text[:most - 1] + "…"
