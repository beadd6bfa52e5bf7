"""Charts of the HTML report as inline SVG strings: no script, no font, nothing fetched.

Three shapes cover the report: bars over time in stacked panels (`time_bars`), lines over
time (`time_lines`) and ranked horizontal bars (`hbars`). Every chart carries a `<title>` and
a `<desc>` for screen readers, a legend, labelled axes and a `<title>` tooltip on each mark.
Every piece of text goes through `esc`: labels come from articles and are untrusted.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import count

WIDTH = 1160
FONT = 13
CHAR = 7.0  # average width of a FONT-size character, to lay out labels without a font

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ids = count(1)


def esc(value: object) -> str:
    """Text safe inside HTML or SVG, as content or as a quoted attribute value."""
    return html.escape(_CONTROL.sub("", "" if value is None else str(value)), quote=True)


def fmt_int(value: float | None) -> str:
    """A count as people read it (`12,345`); an en dash when unknown."""
    return "–" if value is None else f"{round(value):,}"


def fmt_pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


@dataclass(frozen=True)
class Series:
    """One measure drawn in one colour, named in the legend."""

    name: str
    color: str


def scale_ticks(top: float, integer: bool = True, target: int = 5) -> list[float]:
    """Round tick values from 0 to at least `top` (1, 2, 2.5 or 5 times a power of ten)."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / target
    magnitude = 10 ** math.floor(math.log10(raw))
    steps = (1, 2, 5, 10) if integer else (1, 2, 2.5, 5, 10)
    step = next(m * magnitude for m in steps if m * magnitude >= raw)
    if integer:
        step = max(step, 1.0)
    n = math.ceil(top / step - 1e-9)
    return [i * step for i in range(n + 1)]


def _open(width: float, height: float, title: str, desc: str) -> tuple[str, str]:
    """The svg start tag with its accessible title and description, and a unique id."""
    uid = f"chart{next(_ids)}"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
            f'height="{height:.0f}" aria-labelledby="{uid}-t {uid}-d">'
            f'<title id="{uid}-t">{esc(title)}</title><desc id="{uid}-d">{esc(desc)}</desc>',
            uid)


def _text(x: float, y: float, text: str, anchor: str = "start", cls: str = "",
          extra: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{klass}{extra}>'
            f"{esc(text)}</text>")


def _legend(series: Sequence[Series], x: float, y: float) -> str:
    parts = []
    for s in series:
        parts.append(f'<rect x="{x:.1f}" y="{y - 10:.1f}" width="12" height="12" '
                     f'fill="{s.color}"/>')
        parts.append(_text(x + 17, y, s.name))
        x += 17 + len(s.name) * CHAR + 24
    return '<g class="legend">' + "".join(parts) + "</g>"


def _shorten(label: str, chars: int) -> str:
    return label if len(label) <= chars else label[:max(chars - 1, 1)] + "…"


# ------------------------------------------------------------------ bars over time


@dataclass(frozen=True)
class TimePanel:
    """One panel of `time_bars`: a value per series per period, and a tooltip per period."""

    label: str
    values: Sequence[Sequence[float | None]]  # [period][series]
    tips: Sequence[str]


def time_bars(title: str, desc: str, labels: Sequence[str], panels: Sequence[TimePanel],
              series: Sequence[Series], y_title: str, x_title: str,
              width: float = WIDTH) -> str:
    """Grouped bars per period, one panel (with its own scale) per group of values."""
    left, right, top, panel_h, gap, bottom = 70.0, 16.0, 34.0, 130.0, 34.0, 58.0
    n = max(len(labels), 1)
    plot_w = width - left - right
    slot = plot_w / n
    bar_w = max(slot * 0.8 / max(len(series), 1), 1.0)
    height = top + len(panels) * (panel_h + gap) + bottom - gap
    svg, _ = _open(width, height, title, desc)
    out = [svg, _legend(series, left, 18)]
    y0 = top
    for panel in panels:
        y0 += 22  # room for the panel's label
        peak = max((v or 0 for row in panel.values for v in row), default=0)
        ticks = scale_ticks(peak)
        top_value = ticks[-1]
        base = y0 + panel_h - 22
        scale = (panel_h - 22) / top_value
        out.append(_text(left, y0 - 8, panel.label, cls="panel"))
        for tick in ticks:
            y = base - tick * scale
            out.append(f'<line x1="{left:.1f}" x2="{width - right:.1f}" y1="{y:.1f}" '
                       f'y2="{y:.1f}" class="grid"/>')
            out.append(_text(left - 6, y + 4, fmt_int(tick), "end", "tick"))
        out.append(_text(14, (y0 + base) / 2, y_title, "middle", "axis",
                         f' transform="rotate(-90 14 {(y0 + base) / 2:.1f})"'))
        for i, (row, tip) in enumerate(zip(panel.values, panel.tips, strict=True)):
            x = left + i * slot
            out.append(f'<rect x="{x:.1f}" y="{y0:.1f}" width="{slot:.1f}" '
                       f'height="{base - y0:.1f}" class="hover"><title>{esc(tip)}</title>'
                       "</rect>")
            bx = x + slot * 0.1
            for s, value in zip(series, row, strict=True):
                if value:
                    h = max(value * scale, 1.0)
                    out.append(f'<rect x="{bx:.1f}" y="{base - h:.1f}" width="{bar_w:.1f}" '
                               f'height="{h:.1f}" fill="{s.color}"><title>'
                               f"{esc(f'{tip}: {s.name} {fmt_int(value)}')}</title></rect>")
                bx += bar_w
        out.append(f'<line x1="{left:.1f}" x2="{width - right:.1f}" y1="{base:.1f}" '
                   f'y2="{base:.1f}" class="axis-line"/>')
        y0 = base + gap
    out.append(_x_labels(labels, left, slot, y0 - gap + 18, plot_w))
    out.append(_text(left + plot_w / 2, height - 8, x_title, "middle", "axis"))
    out.append("</svg>")
    return "".join(out)


def _x_labels(labels: Sequence[str], left: float, slot: float, y: float,
              plot_w: float) -> str:
    """Every k-th period label, k chosen so labels do not overlap."""
    widest = max((len(t) for t in labels), default=1) * CHAR + 12
    every = max(math.ceil(widest / max(slot, 1e-9)), 1)
    parts = [_text(left + i * slot + slot / 2, y, label, "middle", "tick")
             for i, label in enumerate(labels) if i % every == 0]
    return "".join(parts)


# ------------------------------------------------------------------ lines over time


@dataclass(frozen=True)
class Line:
    """One series of `time_lines`: a value (or None) per period, a tooltip per period."""

    name: str
    color: str
    values: Sequence[float | None]
    tips: Sequence[str]


def time_lines(title: str, desc: str, labels: Sequence[str], lines: Sequence[Line],
               y_title: str, x_title: str, y_max: float = 1.0,
               y_format: Callable[[float | None], str] = fmt_pct,
               width: float = WIDTH, height: float = 300.0) -> str:
    """Points per period joined where consecutive periods both have a value."""
    left, right, top, bottom = 70.0, 16.0, 40.0, 58.0
    n = max(len(labels), 1)
    plot_w, plot_h = width - left - right, height - top - bottom
    slot = plot_w / n
    svg, _ = _open(width, height, title, desc)
    out = [svg, _legend([Series(x.name, x.color) for x in lines], left, 18)]
    base = top + plot_h
    for i in range(5):
        tick = y_max * i / 4
        y = base - plot_h * i / 4
        out.append(f'<line x1="{left:.1f}" x2="{width - right:.1f}" y1="{y:.1f}" '
                   f'y2="{y:.1f}" class="grid"/>')
        out.append(_text(left - 6, y + 4, y_format(tick), "end", "tick"))
    out.append(_text(14, top + plot_h / 2, y_title, "middle", "axis",
                     f' transform="rotate(-90 14 {top + plot_h / 2:.1f})"'))
    for line in lines:
        points = [(left + i * slot + slot / 2, base - min(max(v, 0.0), y_max) / y_max * plot_h)
                  if v is not None else None for i, v in enumerate(line.values)]
        run: list[tuple[float, float]] = []
        for point in [*points, None]:
            if point is None:
                if len(run) > 1:
                    coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                    out.append(f'<polyline points="{coords}" fill="none" '
                               f'stroke="{line.color}" stroke-width="2"/>')
                run = []
            else:
                run.append(point)
        for point, value, tip in zip(points, line.values, line.tips, strict=True):
            if point is not None:
                out.append(f'<circle cx="{point[0]:.1f}" cy="{point[1]:.1f}" r="4.5" '
                           f'fill="{line.color}"><title>'
                           f"{esc(f'{tip}: {line.name} {y_format(value)}')}</title></circle>")
    out.append(f'<line x1="{left:.1f}" x2="{width - right:.1f}" y1="{base:.1f}" '
               f'y2="{base:.1f}" class="axis-line"/>')
    out.append(_x_labels(labels, left, slot, base + 18, plot_w))
    out.append(_text(left + plot_w / 2, height - 8, x_title, "middle", "axis"))
    out.append("</svg>")
    return "".join(out)


# ------------------------------------------------------------------ ranked bars


@dataclass(frozen=True)
class HBar:
    """One row of `hbars`: stacked values per series, an optional low–high range."""

    label: str
    values: Sequence[float]
    tip: str
    note: str = ""
    whisker: tuple[float, float] | None = None
    cls: str = ""


@dataclass(frozen=True)
class HBarLayout:
    row_h: float = 26.0
    label_chars: int = 46
    note_w: float = 230.0
    integer: bool = True


def hbars(title: str, desc: str, rows: Sequence[HBar], series: Sequence[Series],
          x_title: str, width: float = WIDTH, layout: HBarLayout | None = None) -> str:
    """Ranked horizontal bars, the segments of a row stacked left to right."""
    lay = layout or HBarLayout()
    longest = max((len(r.label) for r in rows), default=4)
    label_w = min(longest, lay.label_chars) * CHAR + 16
    left, right, top, bottom = label_w, lay.note_w, 44.0, 44.0
    plot_w = width - left - right
    height = top + len(rows) * lay.row_h + bottom
    peak = max((max(sum(r.values), r.whisker[1] if r.whisker else 0) for r in rows),
               default=0)
    ticks = scale_ticks(peak, lay.integer)
    scale = plot_w / ticks[-1]
    svg, _ = _open(width, height, title, desc)
    out = [svg, _legend(series, left, 18)]
    base = top + len(rows) * lay.row_h
    for tick in ticks:
        x = left + tick * scale
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 4:.1f}" y2="{base:.1f}" '
                   f'class="grid"/>')
        out.append(_text(x, base + 16, fmt_int(tick), "middle", "tick"))
    for i, row in enumerate(rows):
        y = top + i * lay.row_h
        bar_h = lay.row_h * 0.62
        by = y + (lay.row_h - bar_h) / 2
        klass = f' class="{row.cls}"' if row.cls else ""
        out.append(f"<g{klass}><title>{esc(row.tip)}</title>")
        out.append(_text(left - 8, y + lay.row_h / 2 + 4, _shorten(row.label, lay.label_chars),
                         "end", "label"))
        x = left
        for s, value in zip(series, row.values, strict=True):
            if value > 0:
                w = max(value * scale, 1.0)
                out.append(f'<rect x="{x:.1f}" y="{by:.1f}" width="{w:.1f}" '
                           f'height="{bar_h:.1f}" fill="{s.color}"/>')
                x += w
        end = x
        if row.whisker is not None:
            lo, hi = (left + v * scale for v in row.whisker)
            mid = by + bar_h / 2
            out.append(f'<path d="M{lo:.1f} {mid - 5:.1f}V{mid + 5:.1f}M{lo:.1f} {mid:.1f}'
                       f'H{hi:.1f}M{hi:.1f} {mid - 5:.1f}V{mid + 5:.1f}" class="whisker"/>')
            end = max(end, hi)
        out.append(_text(end + 6, y + lay.row_h / 2 + 4, row.note, cls="note"))
        out.append("</g>")
    out.append(f'<line x1="{left:.1f}" x2="{left:.1f}" y1="{top - 4:.1f}" y2="{base:.1f}" '
               f'class="axis-line"/>')
    out.append(_text(left + plot_w / 2, height - 6, x_title, "middle", "axis"))
    out.append("</svg>")
    return "".join(out)
