"""The opinion map as a picture: an inline SVG scatter drawn on the server (no JavaScript).

Every participant in the conversation is a small mark; each group has its own colour AND its
own shape (so colour is never the only cue), a convex hull around its members and its label at
its centre. `scatter_svg` is pure: numbers in, markup out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import numpy as np
from scipy.spatial import ConvexHull, QhullError

Point = tuple[float, float]

# GOV.UK palette colours with enough contrast on white, and a shape for each.
COLOURS = ("#1d70b8", "#d4351c", "#00703c", "#4c2c92", "#b58840", "#912b88", "#28a197")
SHAPES = ("circle", "square", "triangle", "diamond", "cross", "circle", "square")
SHAPE_NAMES = {
    "circle": "circles",
    "square": "squares",
    "triangle": "triangles",
    "diamond": "diamonds",
    "cross": "crosses",
}
UNGROUPED = "#6f777b"


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    group: int  # position of the group in `groups`, -1 when in none


@dataclass(frozen=True)
class Spot:
    label: str
    x: float
    y: float


def hull(points: Sequence[Point]) -> list[Point]:
    """The corners of the smallest convex polygon around `points`, anticlockwise. One or two
    distinct points (or points on one line) give the points themselves / the two ends."""
    distinct = sorted(set(points))
    if len(distinct) <= 2:
        return distinct
    array = np.asarray(distinct, dtype=float)
    try:
        shape = ConvexHull(array)
    except QhullError:  # all on one line: its two ends
        direction = array[-1] - array[0]
        order = np.argsort(array @ direction)
        return [distinct[int(order[0])], distinct[int(order[-1])]]
    return [distinct[int(i)] for i in shape.vertices]


@dataclass(frozen=True)
class Frame:
    """Where data coordinates land in a `width` by `height` view box with a `margin`."""

    x0: float
    x1: float
    y0: float
    y1: float
    width: int
    height: int
    margin: int

    @classmethod
    def around(cls, points: Sequence[Point], width: int, height: int, margin: int) -> Frame:
        xs = [p[0] for p in points] or [0.0]
        ys = [p[1] for p in points] or [0.0]
        return cls(min(xs), max(xs), min(ys), max(ys), width, height, margin)

    def place(self, point: Point) -> Point:
        def scale(value: float, low: float, high: float, size: int) -> float:
            inner = size - 2 * self.margin
            if high - low < 1e-12:
                return self.margin + inner / 2
            return self.margin + (value - low) / (high - low) * inner

        x = scale(point[0], self.x0, self.x1, self.width)
        y = self.height - scale(point[1], self.y0, self.y1, self.height)  # up is up
        return round(x, 1), round(y, 1)


def _mark(shape: str, x: float, y: float, colour: str, r: float = 3.5) -> str:
    if shape == "square":
        return (
            f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" '
            f'height="{2 * r:.1f}" fill="{colour}"/>'
        )
    if shape == "triangle":
        return (
            f'<polygon points="{x:.1f},{y - r - 1:.1f} {x - r - 0.5:.1f},{y + r:.1f} '
            f'{x + r + 0.5:.1f},{y + r:.1f}" fill="{colour}"/>'
        )
    if shape == "diamond":
        return (
            f'<polygon points="{x:.1f},{y - r - 1:.1f} {x + r + 1:.1f},{y:.1f} '
            f'{x:.1f},{y + r + 1:.1f} {x - r - 1:.1f},{y:.1f}" fill="{colour}"/>'
        )
    if shape == "cross":
        return (
            f'<path d="M{x - r:.1f},{y - r:.1f}L{x + r:.1f},{y + r:.1f}M{x + r:.1f},{y - r:.1f}'
            f'L{x - r:.1f},{y + r:.1f}" stroke="{colour}" stroke-width="2"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{colour}"/>'


def style(position: int) -> tuple[str, str]:
    """The colour and shape of the group at `position`."""
    return COLOURS[position % len(COLOURS)], SHAPES[position % len(SHAPES)]


def scatter_svg(
    dots: Sequence[Dot],
    groups: Sequence[Spot],
    *,
    title: str,
    description: str,
    width: int = 640,
    height: int = 420,
    margin: int = 28,
) -> str:
    """The picture as `<svg role="img">` markup with a `<title>` and a `<desc>`."""
    frame = Frame.around(
        [(d.x, d.y) for d in dots] + [(g.x, g.y) for g in groups], width, height, margin
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="map-title map-desc" class="opinion-map-picture" '
        f'style="max-width:100%;height:auto">',
        f'<title id="map-title">{escape(title)}</title>',
        f'<desc id="map-desc">{escape(description)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff" stroke="#b1b4b6"/>',
    ]
    for position in range(len(groups)):
        colour, _shape = style(position)
        corners = [frame.place((d.x, d.y)) for d in dots if d.group == position]
        outline = hull(corners)
        if len(outline) >= 3:
            joined = " ".join(f"{x},{y}" for x, y in outline)
            parts.append(
                f'<polygon points="{joined}" fill="{colour}" fill-opacity="0.08" '
                f'stroke="{colour}" stroke-width="1.5"/>'
            )
        elif len(outline) == 2:
            (ax, ay), (bx, by) = outline
            parts.append(
                f'<line x1="{ax}" y1="{ay}" x2="{bx}" y2="{by}" '
                f'stroke="{colour}" stroke-width="1.5"/>'
            )
    for dot in dots:
        x, y = frame.place((dot.x, dot.y))
        if dot.group < 0:
            parts.append(_mark("circle", x, y, UNGROUPED, 2.0))
        else:
            colour, shape = style(dot.group)
            parts.append(_mark(shape, x, y, colour))
    for position, spot in enumerate(groups):
        colour, _shape = style(position)
        x, y = frame.place((spot.x, spot.y))
        parts.append(
            f'<text x="{x}" y="{y}" text-anchor="middle" dominant-baseline="middle" '
            f'font-size="18" font-weight="bold" fill="#0b0c0c" stroke="#ffffff" '
            f'stroke-width="4" paint-order="stroke">{escape(spot.label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
