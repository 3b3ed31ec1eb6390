"""Small server-side SVG charts with text alternatives (no JavaScript, no external service)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from markupsafe import Markup, escape


def bars(items: Sequence[tuple[str, float, str]], label: str, width: int = 480, rtl: bool = False) -> Markup:
    """Horizontal bars: (name, value between 0 and 1, text shown), as an accessible SVG.

    Right to left (`rtl`), the chart is mirrored: names on the right, bars growing leftwards. The
    SVG states its direction itself, as `text-anchor` start and end follow it: inheriting the
    page's `rtl` would turn the names' anchor round and lay them over the bars.
    """
    row, gap, name_width = 22, 6, 180
    height = max(1, len(items)) * (row + gap)
    direction = "rtl" if rtl else "ltr"
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(label)}" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" direction="{direction}" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(label)}</title>",
    ]
    for index, (name, value, text) in enumerate(items):
        y = index * (row + gap)
        bar = max(0.0, min(1.0, value)) * (width - name_width - 60)
        # The name ends next to the bar's foot; the value starts past the bar's end (start and end in
        # the chart's direction: in RTL, "end" is the left edge).
        name_x, bar_x, value_x = name_width - 6, name_width, name_width + bar + 6
        if rtl:
            name_x, bar_x, value_x = width - name_width + 6, width - name_width - bar, width - name_width - bar - 6
        parts.append(
            f'<text x="{name_x}" y="{y + 15}" text-anchor="end" class="chart-label">{escape(name)}</text>'
            f'<rect x="{bar_x:.1f}" y="{y}" width="{bar:.1f}" height="{row}" class="chart-bar"/>'
            f'<text x="{value_x:.1f}" y="{y + 15}" text-anchor="start" class="chart-value">{escape(text)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  # nosec B704


def columns(points: Sequence[tuple[date, int]], label: str, width: int = 480, height: int = 140) -> Markup:
    """Vertical bars over time (e.g. completions per week), as an accessible SVG."""
    top = max((count for _, count in points), default=0) or 1
    slot = width / max(1, len(points))
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(label)}" viewBox="0 0 {width} {height + 20}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg"><title>{escape(label)}</title>',
    ]
    for index, (day, count) in enumerate(points):
        bar = (height - 16) * count / top
        x = index * slot + 3
        parts.append(
            f'<rect x="{x:.1f}" y="{height - bar:.1f}" width="{slot - 6:.1f}" height="{bar:.1f}" class="chart-bar"/>'
            f'<text x="{x + (slot - 6) / 2:.1f}" y="{height - bar - 3:.1f}" text-anchor="middle" class="chart-value">'
            f"{count}</text>"
            f'<text x="{x + (slot - 6) / 2:.1f}" y="{height + 14}" text-anchor="middle" class="chart-axis">'
            f"{day.day:02d}/{day.month:02d}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  # nosec B704
