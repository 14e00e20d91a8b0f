"""Charts of the briefing as inline SVG and coloured HTML: no library, no request.

Plotly's bundle alone weighs 4.8 MB, nearly the briefing's whole budget, and
a chart drawn by a script is blank on paper if the script has not run. So
the charts are drawn here, on the server, as SVG: they are visible the moment
the file opens, offline, and in print; the briefing's small script only adds
tooltips (from each mark's ``data-tip``) and legend toggles on screen.

Every string that reaches the markup goes through :meth:`Markup.format`,
which escapes it; nothing from a document can become markup.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from markupsafe import Markup

from ..fmt import fmt_share

#: Okabe–Ito: distinguishable with every common colour-vision deficiency.
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000")
#: Viridis, sampled: readable on paper in colour and in greyscale.
_VIRIDIS = (
    (0.0, (68, 1, 84)),
    (0.25, (59, 82, 139)),
    (0.5, (33, 145, 140)),
    (0.75, (94, 201, 98)),
    (1.0, (253, 231, 37)),
)


def viridis(fraction: float) -> tuple[str, str]:
    """(background, text colour) for a value at ``fraction`` (0–1) of the scale."""
    fraction = min(max(fraction, 0.0), 1.0)
    for (f0, c0), (f1, c1) in itertools.pairwise(_VIRIDIS):
        if fraction <= f1:
            t = (fraction - f0) / (f1 - f0)
            rgb = tuple(round(a + (b - a) * t) for a, b in zip(c0, c1, strict=True))
            break
    luminance = (0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]) / 255
    return "#{:02x}{:02x}{:02x}".format(*rgb), ("#111" if luminance > 0.5 else "#fff")


def _nice_step(value: float) -> float:
    """A round tick step at or above ``value`` (…, 0.01, 0.02, 0.025, 0.05, 0.1, …)."""
    if value <= 0:
        return 0.025
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * 10**exponent >= value:
            return step * 10**exponent
    return 10 ** (exponent + 1)


def _segments(points: Sequence[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """Runs of consecutive points: a period without documents breaks the line."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(point)
    return [run for run in runs if run]


def _polyline(run: list[tuple[float, float]], colour: str, width: float) -> Markup:
    coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
    return Markup(
        '<polyline points="{}" fill="none" stroke="{}" stroke-width="{}" '
        'stroke-linejoin="round" stroke-linecap="round"/>'
    ).format(coords, colour, width)


def sparkline(
    values: Sequence[float | None],
    periods: Sequence[str],
    label: str,
    *,
    window: tuple[int, int] | None = None,
    width: int = 132,
    height: int = 30,
) -> Markup:
    """A small share-per-period line; each period has a hover target with its value."""
    n = len(values)
    top = max([v for v in values if v is not None] or [0.0]) or 1.0
    step = (width - 4) / max(n - 1, 1)

    def at(i: int, v: float) -> tuple[float, float]:
        return 2 + i * step, height - 3 - (v / top) * (height - 6)

    parts = [
        Markup(
            '<svg class="spark" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
            'aria-label="{label}">'
        ).format(w=width, h=height, label=f"share of documents per period: {label}")
    ]
    if window is not None and n:
        x0 = max(2 + (window[0] - 0.5) * step, 0)
        x1 = min(2 + (window[1] + 0.5) * step, width)
        parts.append(
            Markup('<rect class="band" x="{:.1f}" y="0" width="{:.1f}" height="{}"/>').format(
                x0, x1 - x0, height
            )
        )
    points = [None if v is None else at(i, v) for i, v in enumerate(values)]
    for run in _segments(points):
        parts.append(_polyline(run, COLOURS[0], 1.6))
    last = next((p for p in reversed(points) if p is not None), None)
    if last is not None:
        parts.append(
            Markup('<circle cx="{:.1f}" cy="{:.1f}" r="2.2" fill="{}"/>').format(*last, COLOURS[0])
        )
    for i, period in enumerate(periods):
        value = values[i]
        tip = f"{label} · {period}: " + (
            "no documents" if value is None else fmt_share(value, decimals=1)
        )
        parts.append(
            Markup(
                '<rect class="hit" x="{:.1f}" y="0" width="{:.1f}" height="{}" data-tip="{}"/>'
            ).format(2 + (i - 0.5) * step, step, height, tip)
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def line_chart(
    series: Sequence[tuple[str, Sequence[float | None], Sequence[int]]],
    periods: Sequence[str],
    totals: Sequence[int],
    *,
    window: tuple[int, int] | None = None,
    width: int = 680,
    height: int = 250,
) -> Markup:
    """Share of documents per period, one line per (label, shares, counts) series.

    Returns the SVG followed by its legend (buttons that show or hide a line
    on screen; plain text on paper).
    """
    left, right, top_margin, bottom = 46, 30, 12, 30
    plot_w, plot_h = width - left - right, height - top_margin - bottom
    n = len(periods)
    peak = max([v for _, values, _ in series for v in values if v is not None] or [0.0])
    tick = _nice_step(peak / 4)
    ticks = max(1, math.ceil(peak / tick - 1e-9))
    y_max = tick * ticks
    step = plot_w / max(n - 1, 1)

    def x_of(i: float) -> float:
        return left + (i * step if n > 1 else plot_w / 2)

    def y_of(v: float) -> float:
        return top_margin + (1 - v / y_max) * plot_h

    parts = [
        Markup(
            '<svg class="chart" viewBox="0 0 {w} {h}" width="100%" role="img" '
            'aria-label="Share of documents per period of the top concepts">'
        ).format(w=width, h=height)
    ]
    if window is not None and n:
        x0, x1 = x_of(window[0] - 0.5), x_of(window[1] + 0.5)
        x0, x1 = max(x0, left), min(x1, left + plot_w)
        parts.append(
            Markup(
                '<rect class="band" x="{:.1f}" y="{}" width="{:.1f}" height="{}"/>'
                '<text class="band-label" x="{:.1f}" y="{}">window</text>'
            ).format(x0, top_margin, x1 - x0, plot_h, x0 + 4, top_margin + 12)
        )
    for k in range(ticks + 1):
        value = tick * k
        y = y_of(value)
        parts.append(
            Markup(
                '<line class="grid" x1="{}" x2="{}" y1="{:.1f}" y2="{:.1f}"/>'
                '<text class="tick" x="{}" y="{:.1f}" text-anchor="end">{}</text>'
            ).format(left, left + plot_w, y, y, left - 6, y + 4, fmt_share(value, decimals=1))
        )
    every = max(1, math.ceil(n / 8))
    for i, period in enumerate(periods):
        if i % every == 0 or i == n - 1:
            parts.append(
                Markup(
                    '<text class="tick" x="{:.1f}" y="{}" text-anchor="middle">{}</text>'
                ).format(x_of(i), height - 10, period)
            )
    for s, (label, values, counts) in enumerate(series):
        colour = COLOURS[s % len(COLOURS)]
        points = [None if v is None else (x_of(i), y_of(v)) for i, v in enumerate(values)]
        parts.append(Markup('<g class="series" data-series="{}">').format(s))
        for run in _segments(points):
            parts.append(_polyline(run, colour, 2.4))
        for i, point in enumerate(points):
            if point is None:
                continue
            tip = (
                f"{label} · {periods[i]}: {fmt_share(values[i] or 0.0, decimals=1)} "
                f"({counts[i]:,} of {totals[i]:,} documents)"
            )
            parts.append(
                Markup('<circle cx="{:.1f}" cy="{:.1f}" r="3.4" fill="{}" data-tip="{}"/>').format(
                    point[0], point[1], colour, tip
                )
            )
        parts.append(Markup("</g>"))
    parts.append(Markup("</svg>"))
    legend = [Markup('<div class="legend">')]
    for s, (label, _, _) in enumerate(series):
        legend.append(
            Markup(
                '<button type="button" class="key" data-series="{}" aria-pressed="true">'
                '<span class="swatch" style="background:{}"></span>{}</button>'
            ).format(s, COLOURS[s % len(COLOURS)], label)
        )
    legend.append(Markup("</div>"))
    return Markup("").join(parts + legend)
