"""The Results page's bar chart, drawn server-side as inline SVG (no JS library).

Each day (or run of days) is a group of four bars side by side: missed, texted back, replied,
booked, so every series stays visible (each is a part of the one before, so nested or stacked
bars would hide one behind another). A phone gets fewer, wider groups and a taller shape than a
desktop: the template draws both and app.css shows the one that fits (.chart-wide /
.chart-narrow). Groups are counted back from the last day, so only the oldest may be short.
"""
from __future__ import annotations

import math
from datetime import date

from web import formatting

SERIES = ("missed", "texted", "replied", "booked")
NAMES = {"missed": "missed", "texted": "texted back", "replied": "replied", "booked": "booked"}
# name, most groups, viewBox width, height, label font size (app.css .chart-label, in viewBox
# units). The phone's viewBox is narrow so its bars are wide.
VIEWS = (("wide", 31, 640, 200, 9), ("narrow", 8, 340, 210, 11))
CHAR_WIDTH = 0.62          # of the font size: an average date character ("Nov 27")
PAD_X, PAD_TOP, LABEL_H = 6, 8, 18
GROUP_SHARE = 0.8          # of a group's slot; the rest is the gap between groups


def group_size(days: int, most: int) -> int:
    """Days per group: 1 while `days` fit in `most` groups, else whole weeks."""
    if days <= most:
        return 1
    return 7 * math.ceil(days / (most * 7))


def groups(per_day: list[dict], size: int) -> list[dict]:
    """Sums of `size` days each, counted back from the last day; each with its first and last
    date."""
    out = []
    end = len(per_day)
    while end > 0:
        chunk = per_day[max(0, end - size):end]
        bucket = {key: sum(d.get(key, 0) for d in chunk) for key in SERIES}
        bucket.update(first=chunk[0]["date"], last=chunk[-1]["date"])
        out.append(bucket)
        end -= size
    return out[::-1]


def title(size: int) -> tuple[str, str]:
    """(heading, what one group is) for a group size."""
    if size == 1:
        return "Day by day", "day"
    if size == 7:
        return "Week by week", "week"
    return f"Every {size // 7} weeks", f"{size // 7} weeks"


def _day(text: str, settings: dict) -> str:
    try:
        return formatting.date_text(date.fromisoformat(text), settings, year=False)
    except ValueError:
        return text


def _span(group: dict, settings: dict) -> str:
    first, last = _day(group["first"], settings), _day(group["last"], settings)
    return first if first == last else f"{first} – {last}"


def text_width(text: str, font: float) -> float:
    return len(text) * font * CHAR_WIDTH


def spaced(labels: list[dict], font: float, width: float, gap: float = 4) -> list[dict]:
    """The date labels that fit: each kept inside the chart, and, counting back from the last
    day (always named), a label is dropped when it would touch the one after it."""
    kept: list[dict] = []
    for label in reversed(labels):
        half = text_width(label["text"], font) / 2
        x = min(max(label["x"], half + 1), width - half - 1)
        if kept and x + half + gap > kept[-1]["x"] - text_width(kept[-1]["text"], font) / 2:
            continue
        kept.append(dict(label, x=round(x, 2)))
    return kept[::-1]


def view(per_day: list[dict], settings: dict, name: str, most: int, width: int,
         height: int, font: float = 11) -> dict:
    """Bar geometry, labels and titles for one chart."""
    size = group_size(len(per_day), most)
    found = groups(per_day, size)
    top = max([g[key] for g in found for key in SERIES] + [1])
    base = height - LABEL_H
    inner_h, slot = base - PAD_TOP, (width - 2 * PAD_X) / max(len(found), 1)
    bar_w = slot * GROUP_SHARE / len(SERIES)
    bars, labels = [], []
    for index, group in enumerate(found):
        left = PAD_X + slot * index + slot * (1 - GROUP_SHARE) / 2
        for position, key in enumerate(SERIES):
            value = group[key]
            if not value:
                continue
            bar_h = inner_h * value / top
            bars.append({"series": key, "x": round(left + position * bar_w, 2),
                         "y": round(base - bar_h, 2), "w": round(max(bar_w - 0.6, 0.8), 2),
                         "h": round(bar_h, 2),
                         "title": f"{_span(group, settings)}: {value} {NAMES[key]}"})
        labels.append({"x": PAD_X + slot * (index + 0.5), "y": height - 4,
                       "text": _day(group["first"], settings)})
    labels = spaced(labels, font, width)
    heading, unit = title(size)
    return {"name": name, "w": width, "h": height, "base": base, "x1": PAD_X,
            "x2": width - PAD_X, "bars": bars, "labels": labels, "top": top, "title": heading,
            "unit": unit, "size": size, "groups": len(found)}


def views(per_day: list[dict], settings: dict) -> list[dict]:
    """The desktop chart and the phone chart (fewer groups, a taller shape); app.css shows one."""
    return [dict(view(per_day, settings, name, most, width, height, font), css=f"chart-{name}")
            for name, most, width, height, font in VIEWS]
