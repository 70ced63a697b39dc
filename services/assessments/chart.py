"""A result's scores as SVG, written by hand: readable on a phone, no fixed size, no script.

The interest profiler is drawn on Holland's hexagon (R, I, A, S, E, C clockwise from the
top); the work values as bars, best first. The drawing scales to the width of the screen
(``viewBox`` only), its text is at least 13 units high at a 440-unit width, and the scores are
also written out in the drawing's description for screen readers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import escape, quoteattr

WIDTH = 440
INK = "#1f2933"
GRID = "#cbd2d9"
FILL = "#0f766e"
TOP = "#b45309"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"


@dataclass(frozen=True)
class Bar:
    key: str
    name: str
    score: int


def _svg(height: int, title: str, description: str, body: list[str]) -> str:
    return "\n".join(
        [
            '<?xml version="1.0" encoding="UTF-8"?>',
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
            f'role="img" aria-labelledby="chart-title chart-desc" font-family={quoteattr(FONT)}>',
            f'<title id="chart-title">{escape(title)}</title>',
            f'<desc id="chart-desc">{escape(description)}</desc>',
            f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>',
            f'<text x="{WIDTH // 2}" y="30" text-anchor="middle" font-size="20" font-weight="700" '
            f'fill="{INK}">{escape(title)}</text>',
            *body,
            "</svg>",
            "",
        ]
    )


def _describe(bars: Sequence[Bar], low: int, high: int) -> str:
    return "; ".join(f"{bar.name}: {bar.score} (of {low} to {high})" for bar in bars)


def hexagon(title: str, subtitle: str, bars: Sequence[Bar], low: int, high: int, top: Sequence[str]) -> str:
    """Six scores on a hexagon; ``bars`` in Holland's order, ``top`` the keys to highlight."""
    cx, cy, radius = WIDTH / 2, 250.0, 120.0

    def point(index: int, fraction: float) -> tuple[float, float]:
        angle = math.radians(-90 + 60 * index)
        return cx + radius * fraction * math.cos(angle), cy + radius * fraction * math.sin(angle)

    def polygon(points: list[tuple[float, float]]) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)

    span = max(high - low, 1)
    body = [
        f'<text x="{WIDTH // 2}" y="56" text-anchor="middle" font-size="16" fill="{INK}">'
        f"{escape(subtitle)}</text>"
    ]
    for ring in (0.25, 0.5, 0.75, 1.0):
        body.append(
            f'<polygon points="{polygon([point(i, ring) for i in range(6)])}" fill="none" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
    for i in range(6):
        x, y = point(i, 1.0)
        body.append(f'<line x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>')
    fractions = [min(max((bar.score - low) / span, 0.0), 1.0) for bar in bars]
    shape = [point(i, f) for i, f in enumerate(fractions)]
    body.append(
        f'<polygon points="{polygon(shape)}" fill="{FILL}" fill-opacity="0.35" stroke="{FILL}" '
        'stroke-width="3" stroke-linejoin="round"/>'
    )
    for (x, y), bar in zip(shape, bars, strict=True):
        colour = TOP if bar.key in top else FILL
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour}"/>')
    for i, bar in enumerate(bars):
        x, y = point(i, 1.0)
        dx = math.cos(math.radians(-90 + 60 * i))
        dy = math.sin(math.radians(-90 + 60 * i))
        anchor = "middle" if abs(dx) < 0.1 else ("start" if dx > 0 else "end")
        lx, ly = x + 10 * dx, y + 16 * dy + (4 if abs(dy) < 0.9 else 0)
        if dy < -0.9:
            ly -= 18  # above the top vertex: two lines, upwards
        weight = "700" if bar.key in top else "400"
        colour = TOP if bar.key in top else INK
        body.append(
            f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}" font-size="16" font-weight="{weight}" '
            f'fill="{colour}">{escape(bar.key)} {bar.score}</text>'
        )
        body.append(
            f'<text x="{lx:.1f}" y="{ly + 17:.1f}" text-anchor="{anchor}" font-size="14" fill="{INK}">'
            f"{escape(bar.name)}</text>"
        )
    return _svg(440, title, f"{subtitle}. {_describe(bars, low, high)}", body)


def bars(title: str, subtitle: str, rows: Sequence[Bar], low: int, high: int, top: Sequence[str]) -> str:
    """Scores as horizontal bars, in the order given (best first)."""
    left, right, step, first = 20, WIDTH - 70, 54, 84
    span = max(high - low, 1)
    body = [
        f'<text x="{WIDTH // 2}" y="56" text-anchor="middle" font-size="16" fill="{INK}">'
        f"{escape(subtitle)}</text>"
    ]
    for index, row in enumerate(rows):
        y = first + index * step
        fraction = min(max((row.score - low) / span, 0.0), 1.0)
        length = max((right - left) * fraction, 2.0)
        highlight = row.key in top
        colour = TOP if highlight else FILL
        body.append(
            f'<text x="{left}" y="{y}" font-size="16" font-weight="{700 if highlight else 400}" '
            f'fill="{INK}">{escape(row.name)}</text>'
        )
        body.append(
            f'<rect x="{left}" y="{y + 8}" width="{right - left}" height="18" rx="4" fill="{GRID}" '
            'fill-opacity="0.5"/>'
        )
        body.append(f'<rect x="{left}" y="{y + 8}" width="{length:.1f}" height="18" rx="4" fill="{colour}"/>')
        body.append(
            f'<text x="{right + 8}" y="{y + 23}" font-size="16" font-weight="700" fill="{INK}">'
            f"{row.score}</text>"
        )
    height = first + len(rows) * step
    return _svg(height, title, f"{subtitle}. {_describe(rows, low, high)}", body)


def series(
    title: str, points: Sequence[tuple[datetime, float]], low: int, high: int, lang: str = "en"
) -> str:
    """Scores over time as a line, oldest left; each point's date and score written beside it."""
    left, right, top, bottom = 44, WIDTH - 24, 70, 300
    span = max(high - low, 1)
    body = []
    for value in range(low, high + 1):
        y = bottom - (value - low) / span * (bottom - top)
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>'
        )
        body.append(
            f'<text x="{left - 10}" y="{y + 5:.1f}" text-anchor="end" font-size="14" fill="{INK}">'
            f"{value}</text>"
        )
    count = len(points)
    placed = []
    for index, (at, score) in enumerate(points):
        x = left + (right - left) * (index / (count - 1) if count > 1 else 0.5)
        y = bottom - (min(max(score, low), high) - low) / span * (bottom - top)
        placed.append((x, y, at, score))
    if len(placed) > 1:
        line = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in placed)
        body.append(
            f'<polyline points="{line}" fill="none" stroke="{FILL}" stroke-width="3" '
            'stroke-linejoin="round"/>'
        )
    for x, y, at, score in placed:
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{TOP}"/>')
        body.append(
            f'<text x="{x:.1f}" y="{bottom + 22}" text-anchor="middle" font-size="13" fill="{INK}">'
            f"{at:%d.%m.%y}</text>"
        )
        body.append(
            f'<text x="{x:.1f}" y="{y - 10:.1f}" text-anchor="middle" font-size="14" font-weight="700" '
            f'fill="{INK}">{score:.1f}</text>'
        )
    said = "; ".join(f"{at:%Y-%m-%d}: {score:.2f}" for _, _, at, score in placed)
    none = {"en": "No scored answers yet", "sw": "Bado hakuna majibu yenye alama"}[lang]
    return _svg(bottom + 40, title, said or none, body)
