"""What every chart in the notebooks must satisfy, checked on the live matplotlib figures when a notebook
calls plt.show() (tests/notebooks/test_notebooks.py wraps it in the kernel):

- no text is cut: every visible text (titles, axis and tick labels, legends, annotations) lies inside the
  figure, as a saved or printed figure shows it (Jupyter's inline backend would silently grow the canvas);
- documents are named by title and date, not by their hashed file names (`001_b4ee659c7ae7ce16.txt`);
- text is readable: no font smaller than MIN_FONT points, no title line longer than MAX_TITLE_LINE
  characters;
- a legend entry has one colour across the panels of a figure (a vintage is the same colour everywhere).
"""

from __future__ import annotations

import re

from matplotlib.colors import to_hex
from matplotlib.text import Text

HASHED_FILE = re.compile(r"\b\d{3}_[0-9a-f]{16}(\.txt)?\b")
MIN_FONT = 8.0
MAX_TITLE_LINE = 80
TOLERANCE = 1.0
"""Pixels a text may overhang the figure's edge (antialiasing)."""


def undrawn_tick_labels(figure) -> set[int]:
    """Tick labels matplotlib keeps but does not draw (their ticks lie outside the axis' view)."""
    hidden = set()
    for ax in figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            drawn = {id(tick) for tick in axis._update_ticks()}
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if id(tick) not in drawn:
                    hidden.update({id(tick.label1), id(tick.label2)})
    return hidden


def texts(figure) -> list[Text]:
    hidden = undrawn_tick_labels(figure)
    return [
        t
        for t in figure.findobj(Text)
        if t.get_visible() and t.get_text().strip() and id(t) not in hidden and (t.axes is None or t.axes.get_visible())
    ]


def colour_of(handle) -> str | None:
    for getter in ("get_facecolor", "get_color"):
        if hasattr(handle, getter):
            value = getattr(handle, getter)()
            if hasattr(value, "ndim") and value.ndim == 2:
                value = value[0] if len(value) else None
            if value is not None:
                return to_hex(value)
    return None


def problems(figure) -> list[str]:
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    frame = figure.bbox
    found = []
    for text in texts(figure):
        shown = text.get_text().replace("\n", " ")
        box = text.get_window_extent(renderer)
        if (
            box.x0 < frame.x0 - TOLERANCE
            or box.y0 < frame.y0 - TOLERANCE
            or box.x1 > frame.x1 + TOLERANCE
            or box.y1 > frame.y1 + TOLERANCE
        ):
            found.append(f"cut off at the figure's edge: {shown!r}")
        if HASHED_FILE.search(shown):
            found.append(f"a hashed file name instead of a document title: {shown!r}")
        if text.get_fontsize() < MIN_FONT:
            found.append(f"font {text.get_fontsize():g} pt < {MIN_FONT:g}: {shown!r}")
    titles = [ax.get_title() for ax in figure.axes] + [figure._suptitle.get_text() if figure._suptitle else ""]
    for title in titles:
        for line in title.splitlines():
            if len(line) > MAX_TITLE_LINE:
                found.append(f"title line of {len(line)} characters: {line!r}")
    colours: dict[str, set[str]] = {}
    for ax in figure.axes:
        legend = ax.get_legend()
        if legend is None:
            continue
        for handle, label in zip(legend.legend_handles, legend.get_texts(), strict=False):
            colour = colour_of(handle)
            if colour is not None:
                colours.setdefault(label.get_text(), set()).add(colour)
    for label, seen in sorted(colours.items()):
        if len(seen) > 1:
            found.append(f"legend entry {label!r} has {len(seen)} colours across panels: {sorted(seen)}")
    return found
