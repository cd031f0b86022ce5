"""Charts as SVG text, drawn on the server: a page's timeline as an image anyone can save, print or embed.

``timeline_svg`` is pure (figures in, markup out) and draws what the page's timeline chart shows
(``designations.views.common.timeline``): listings and delistings per month, side by side, along a continuous
month axis (empty months at zero), with its axes labelled and a ``<title>`` and ``<desc>`` saying the subject,
the data's date and what the figures rest on.

Every text is XML-escaped here, attributes and content alike, and characters XML 1.0 cannot hold are dropped:
names come from sources and editors. The image holds no script, no style element, no link and nothing
fetched: only shapes and text with presentation attributes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from xml.sax.saxutils import escape

WIDTH = 800
HEIGHT = 440
# The plot area inside the image: room above for the title, left for the counts, below for months and legend.
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 64, 104
LISTED_COLOUR = "#1f6fb2"
DELISTED_COLOUR = "#c0392b"
TEXT_COLOUR = "#1b1b1b"
GRID_COLOUR = "#d0d4d9"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
# At most this many month labels along the axis; the rest are ticks only.
MAX_MONTH_LABELS = 12

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: object) -> str:
    """``value`` as text safe inside an XML element or a double-quoted attribute."""
    return escape(_NOT_XML.sub("", str(value)), {'"': "&quot;", "'": "&apos;"})


def nice_ceiling(value: int) -> int:
    """The top of a count axis: ``value`` rounded up to 1, 2, 2.5 or 5 times a power of ten (at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return math.ceil(step * power)
    return 10 * power  # unreachable: 10 * power always holds value


def _number(value: float) -> str:
    """A coordinate, short: ``12``, ``12.5``."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def timeline_svg(
    *,
    months: Sequence[str],
    listed: Sequence[int],
    delisted: Sequence[int],
    title: str,
    description: str,
    date_line: str,
) -> str:
    """A bar chart of listings and delistings per month, as a standalone SVG document.

    ``months`` are "YYYY-MM" labels, every month of the axis in order; ``listed`` and ``delisted`` hold one
    count per month. ``title`` names the chart (its ``<title>`` and the heading drawn on it), ``description``
    is its ``<desc>`` (the subject, the data's date, what the figures rest on), ``date_line`` the line drawn
    under the heading ("OFAC SDN list as of 2 Jul 2024"). No month gives an image that says there is no data.
    Bar heights are proportional to the counts, on an axis from zero to ``nice_ceiling`` of the largest.
    """
    if not (len(months) == len(listed) == len(delisted)):
        raise ValueError("months, listed and delisted must be of the same length")
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    base = TOP + plot_height
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="chart-title chart-desc" '
        f'font-family="{xml_text(FONT)}" font-size="12" fill="{TEXT_COLOUR}">\n',
        f'<title id="chart-title">{xml_text(title)}</title>\n',
        f'<desc id="chart-desc">{xml_text(description)}</desc>\n',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>\n',
        f'<text x="{LEFT}" y="24" font-size="16" font-weight="bold">{xml_text(title)}</text>\n',
        f'<text x="{LEFT}" y="44" font-size="12">{xml_text(date_line)}</text>\n',
    ]
    if not months:
        parts.append(
            f'<text class="no-data" x="{WIDTH / 2:g}" y="{TOP + plot_height / 2:g}" text-anchor="middle" '
            'font-size="16">No data: no dated listings or delistings to chart.</text>\n'
        )
        parts.append("</svg>\n")
        return "".join(parts)

    top = nice_ceiling(max(max(listed), max(delisted)))
    ticks = 5 if top % 5 == 0 and top >= 5 else (4 if top % 4 == 0 else (2 if top % 2 == 0 else 1))
    # The count axis: grid lines and labels.
    parts.append('<g class="y-axis">\n')
    for index in range(ticks + 1):
        value = top * index / ticks
        y = base - plot_height * index / ticks
        label = f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"
        parts.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_width}" y1="{_number(y)}" y2="{_number(y)}" '
            f'stroke="{GRID_COLOUR}" stroke-width="1"/>\n'
            f'<text x="{LEFT - 6}" y="{_number(y + 4)}" text-anchor="end">{label}</text>\n'
        )
    parts.append(
        f'<text transform="translate(16 {_number(TOP + plot_height / 2)}) rotate(-90)" text-anchor="middle">'
        "Designations per month</text>\n</g>\n"
    )
    # The bars: per month, listings then delistings, side by side.
    slot = plot_width / len(months)
    bar = max(slot * 0.4, 0.5)
    gap = (slot - 2 * bar) / 2
    parts.append('<g class="bars">\n')
    for index, (month, up, down) in enumerate(zip(months, listed, delisted, strict=True)):
        x = LEFT + slot * index + gap
        for kind, count, colour, offset in (
            ("listed", up, LISTED_COLOUR, 0),
            ("delisted", down, DELISTED_COLOUR, bar),
        ):
            height = plot_height * count / top
            noun = ("listing" if kind == "listed" else "delisting") + ("" if count == 1 else "s")
            parts.append(
                f'<rect class="{kind}" data-month="{xml_text(month)}" data-count="{count}" '
                f'x="{_number(x + offset)}" y="{_number(base - height)}" width="{_number(bar)}" '
                f'height="{_number(height)}" fill="{colour}">'
                f"<title>{xml_text(month)}: {count:,} {noun}</title></rect>\n"
            )
    parts.append("</g>\n")
    # The month axis: a tick per labelled month, the first month always labelled.
    step = max(1, math.ceil(len(months) / MAX_MONTH_LABELS))
    parts.append(
        f'<g class="x-axis">\n<line x1="{LEFT}" x2="{LEFT + plot_width}" y1="{base}" y2="{base}" '
        f'stroke="{TEXT_COLOUR}" stroke-width="1"/>\n'
    )
    for index in range(0, len(months), step):
        x = LEFT + slot * (index + 0.5)
        parts.append(
            f'<line x1="{_number(x)}" x2="{_number(x)}" y1="{base}" y2="{base + 5}" stroke="{TEXT_COLOUR}"/>\n'
            f'<text x="{_number(x)}" y="{base + 18}" text-anchor="middle">{xml_text(months[index])}</text>\n'
        )
    parts.append(
        f'<text x="{_number(LEFT + plot_width / 2)}" y="{base + 40}" text-anchor="middle">'
        "Month (YYYY-MM)</text>\n</g>\n"
    )
    # The legend.
    legend_y = HEIGHT - 28
    parts.append(
        '<g class="legend">\n'
        f'<rect x="{LEFT}" y="{legend_y - 10}" width="12" height="12" fill="{LISTED_COLOUR}"/>\n'
        f'<text x="{LEFT + 18}" y="{legend_y}">Listings</text>\n'
        f'<rect x="{LEFT + 100}" y="{legend_y - 10}" width="12" height="12" fill="{DELISTED_COLOUR}"/>\n'
        f'<text x="{LEFT + 118}" y="{legend_y}">Delistings</text>\n'
        "</g>\n"
    )
    parts.append("</svg>\n")
    return "".join(parts)
