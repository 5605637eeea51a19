"""Server-side SVG charts of feedback summaries, readable without JavaScript (pure core).

Each chart is a `Chart(svg, text)`: `svg` is a self-contained inline SVG document and `text`
the same information in plain text, for the figure caption and screen readers (it is also
the SVG's <desc>). The SVG has role="img" labelled by its <title> and <desc>, a viewBox and
width="100%" so it scales to its container (cap it with a max-width in the stylesheet via
the `feedback-chart` class), a white background so its colours keep their contrast on any
page (text 4.5:1 or more, bars and marks 3:1 or more), and it is built with ElementTree,
so every piece of user text is escaped; characters XML cannot carry are dropped.

Why no chart library: the site's CSP (`style-src 'self'`, `script-src 'self'`) rejects
inline styles and scripts. pygal embeds a <style> element and a tooltip <script>;
matplotlib's SVG backend writes `style` attributes and a <style> element. leather is the
exception: it builds static SVG with ElementTree and presentational attributes only, but it
sets a fixed width and height (no viewBox), has no role, <title>, <desc> or ARIA labelling,
writes no counts beside the bars and gives no text alternative - we would rewrite its output
more than we would use it. A horizontal bar chart is a few rectangles and labels, so we
draw it ourselves.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from eventsys.feedback.stats import ChoiceSummary, OptionCount, RatingSummary, YesNoSummary

SVG_NS = "http://www.w3.org/2000/svg"
WIDTH, PAD, ROW = 480, 16, 26
LABEL_COLUMN, VALUE_COLUMN = 132, 88
BACKGROUND, TRACK = "#ffffff", "#e8e8e8"  # the track is decoration: bars carry the data
INK, MUTED, BAR, MARK = "#1a1a1a", "#4d4d4d", "#1f4e8c", "#a4161a"
FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

Gettext = Callable[[str], str]
Ngettext = Callable[[str, str, int], str]


@dataclass(frozen=True)
class Chart:
    svg: str
    text: str

    def __html__(self) -> str:
        """Lets Jinja insert the SVG with {{ chart }}: it is escaped by construction."""
        return self.svg


def _identity(message: str) -> str:
    return message


def _english_plural(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


class _Words:
    """gettext/ngettext as Flask-Babel's (pass flask_babel's functions to translate)."""

    def __init__(self, gettext: Gettext | None, ngettext: Ngettext | None):
        self.gettext = gettext or _identity
        self.ngettext = ngettext or _english_plural

    def __call__(self, message: str, **values) -> str:
        return self.gettext(message) % values

    def plural(self, singular: str, plural: str, n: int) -> str:
        return self.ngettext(singular, plural, n) % {"num": n}


def rating_chart(summary: RatingSummary, title: str, *, chart_id: str | None = None,
                 gettext: Gettext | None = None, ngettext: Ngettext | None = None) -> Chart:
    """Horizontal bars per scale point (highest first), the ends labelled, the mean marked."""
    words = _Words(gettext, ngettext)
    text = _rating_text(summary, _clean(title), words)
    canvas = _Canvas(title, text, chart_id)
    if not summary.count or summary.withheld:
        return canvas.message(_empty_message(summary, words))
    canvas.subtitle(words("Mean %(mean)s of %(max)s", mean=_one_decimal(summary.mean_rounded),
                          max=summary.scale_max) + " · " + _responses(summary.count, words))
    for point in reversed(summary.distribution):
        canvas.bar_row(_point_label(summary, point.value), point.count, point.share)
    _mean_axis(canvas, summary, words)
    return canvas.finish()


def choice_chart(summary: ChoiceSummary | YesNoSummary, title: str, *,
                 chart_id: str | None = None, gettext: Gettext | None = None,
                 ngettext: Ngettext | None = None) -> Chart:
    """A labelled horizontal bar per option (form order) with its count and percentage."""
    words = _Words(gettext, ngettext)
    options = _options(summary, words)
    text = _choice_text(summary, options, _clean(title), words)
    canvas = _Canvas(title, text, chart_id)
    if not summary.count or summary.withheld:
        return canvas.message(_empty_message(summary, words))
    canvas.subtitle(_choice_subtitle(summary, words))
    for option in options:
        canvas.label_line(option.label)
        canvas.bar_row("", option.count, option.share)
    return canvas.finish()


class _Canvas:
    """Lays rows out top to bottom and sizes the viewBox to what was drawn."""

    def __init__(self, title: str, text: str, chart_id: str | None):
        ident = _chart_id(chart_id, title + text)
        self.root = ET.Element("svg", {
            "xmlns": SVG_NS, "class": "feedback-chart", "role": "img",
            "aria-labelledby": f"{ident}-title {ident}-desc", "width": "100%",
            "preserveAspectRatio": "xMinYMin meet", "font-family": FONT,
        })
        ET.SubElement(self.root, "title", id=f"{ident}-title").text = _clean(title)
        ET.SubElement(self.root, "desc", id=f"{ident}-desc").text = text
        self.background = _el(self.root, "rect", x=0, y=0, width=WIDTH, fill=BACKGROUND)
        self.y = PAD
        self.text(PAD, self.y + 16, _fit(title, WIDTH - 2 * PAD, 16), size=16, weight="bold")
        self.y += 26

    def text(self, x, y, content, *, size=14, fill=INK, anchor=None, weight=None):
        attrs = {"x": x, "y": y, "font-size": size, "fill": fill}
        attrs.update({k: v for k, v in (("text-anchor", anchor), ("font-weight", weight)) if v})
        _el(self.root, "text", **attrs).text = content

    def subtitle(self, content: str) -> None:
        self.text(PAD, self.y + 14, _fit(content, WIDTH - 2 * PAD, 13), size=13, fill=MUTED)
        self.y += 28

    def label_line(self, label: str) -> None:
        self.text(PAD, self.y + 13, _fit(label, WIDTH - 2 * PAD, 14))
        self.y += 18

    def bar_row(self, label: str, count: int, share: float) -> None:
        left = PAD + (LABEL_COLUMN if label else 0)
        area = WIDTH - PAD - VALUE_COLUMN - left
        if label:
            self.text(PAD, self.y + 13, _fit(label, LABEL_COLUMN - 8, 14))
        _el(self.root, "rect", x=left, y=self.y, width=area, height=16, fill=TRACK, **{"class": "track"})
        if count:
            _el(self.root, "rect", x=left, y=self.y, width=area * share / 100, height=16,
                fill=BAR, **{"class": "bar"})
        self.text(WIDTH - PAD, self.y + 13, f"{count} · {_percent(share)}", anchor="end")
        self.y += ROW

    def message(self, content: str) -> Chart:
        for line in _wrap(content, WIDTH - 2 * PAD, 14):
            self.text(PAD, self.y + 14, line, fill=MUTED)
            self.y += 20
        return self.finish()

    def finish(self) -> Chart:
        height = _num(self.y + PAD - 6)
        self.root.set("viewBox", f"0 0 {WIDTH} {height}")
        self.background.set("height", str(height))
        desc = self.root.find("desc").text
        return Chart(ET.tostring(self.root, encoding="unicode"), desc)


def _mean_axis(canvas: _Canvas, summary: RatingSummary, words: _Words) -> None:
    """Below the bars, apart from them: the scale from min to max, a triangle at the mean."""
    left, right = PAD + LABEL_COLUMN, WIDTH - PAD - VALUE_COLUMN
    span = summary.scale_max - summary.scale_min

    def x_of(value: float) -> float:
        return left + (right - left) * (value - summary.scale_min) / span

    axis_y = canvas.y + 22
    canvas.text(PAD, axis_y + 5, words("Mean %(mean)s", mean=_one_decimal(summary.mean_rounded)),
                fill=MARK, weight="bold")
    _el(canvas.root, "line", x1=left, y1=axis_y, x2=right, y2=axis_y, stroke=MUTED, **{"stroke-width": 2})
    for value in range(summary.scale_min, summary.scale_max + 1):
        _el(canvas.root, "line", x1=x_of(value), y1=axis_y - 4, x2=x_of(value), y2=axis_y + 4,
            stroke=MUTED, **{"stroke-width": 1})
        canvas.text(x_of(value), axis_y + 20, str(value), size=12, fill=MUTED, anchor="middle")
    mean_x = x_of(summary.mean)
    triangle = f"{_num(mean_x - 7)},{axis_y - 13} {_num(mean_x + 7)},{axis_y - 13} {_num(mean_x)},{axis_y}"
    _el(canvas.root, "polygon", points=triangle, fill=MARK, **{"class": "mean"})
    canvas.y = axis_y + 26


def _rating_text(summary: RatingSummary, title: str, words: _Words) -> str:
    if not summary.count or summary.withheld:
        return f"{title}: {_empty_message(summary, words)}"
    points = ", ".join(f"{_point_label(summary, p.value, brackets=True)}: {p.count}"
                       for p in reversed(summary.distribution))
    return words("%(title)s: mean %(mean)s of %(max)s (median %(median)s) from %(responses)s; "
                 "%(points)s.", title=title, mean=_one_decimal(summary.mean_rounded),
                 max=summary.scale_max, median=_number(summary.median),
                 responses=_responses(summary.count, words), points=points)


def _choice_text(summary, options: list[OptionCount], title: str, words: _Words) -> str:
    if not summary.count or summary.withheld:
        return f"{title}: {_empty_message(summary, words)}"
    counts = ", ".join(f"{_clean(o.label)}: {o.count} ({_percent(o.share)})" for o in options)
    return f"{title}: {_choice_subtitle(summary, words, sentence=True)}; {counts}."


def _choice_subtitle(summary, words: _Words, sentence: bool = False) -> str:
    if summary.kind != "multiple_choice":
        return _responses(summary.count, words)
    respondents = words.plural("%(num)d respondent", "%(num)d respondents", summary.count)
    selections = words.plural("%(num)d selection", "%(num)d selections", summary.selections)
    if sentence:
        return words("%(respondents)s made %(selections)s (several answers allowed; percentages "
                     "are of respondents)", respondents=respondents, selections=selections)
    return words("%(respondents)s · %(selections)s · %% of respondents",
                 respondents=respondents, selections=selections)


def _options(summary, words: _Words) -> list[OptionCount]:
    if isinstance(summary, YesNoSummary):
        if summary.yes is None:
            return []
        return [OptionCount("yes", words("Yes"), summary.yes, summary.yes_share, summary.yes_share),
                OptionCount("no", words("No"), summary.no, summary.no_share, summary.no_share)]
    return list(summary.options or ())


def _empty_message(summary, words: _Words) -> str:
    if not summary.count:
        return words("no responses yet.")
    return words("%(responses)s; details are hidden to protect anonymity until there are "
                 "enough responses.", responses=_responses(summary.count, words))


def _responses(count: int, words: _Words) -> str:
    return words.plural("%(num)d response", "%(num)d responses", count)


def _point_label(summary: RatingSummary, value: int, brackets: bool = False) -> str:
    end = {summary.scale_min: summary.low_label, summary.scale_max: summary.high_label}.get(value)
    end = _clean(end or "")
    if not end:
        return str(value)
    return f"{value} ({end})" if brackets else f"{value} {end}"


def _el(parent: ET.Element, tag: str, **attrs) -> ET.Element:
    return ET.SubElement(parent, tag, {k: _num(v) if isinstance(v, float) else str(v)
                                       for k, v in attrs.items()})


def _chart_id(chart_id: str | None, content: str) -> str:
    if chart_id:
        return "chart-" + re.sub(r"[^A-Za-z0-9_-]", "-", chart_id)
    return "chart-" + hashlib.sha1(content.encode("utf-8", "replace")).hexdigest()[:12]


def _clean(text: str) -> str:
    """Drop characters XML 1.0 cannot carry and fold line breaks: labels are single lines."""
    return " ".join(_NOT_XML.sub("", text).split())


def _fit(text: str, width: float, size: float) -> str:
    """Cut `text` to about `width` units with an ellipsis (no font metrics: an estimate)."""
    text, used = _clean(text), 0.0
    for index, char in enumerate(text):
        used += _char_width(char) * size
        if used > width:
            return text[: max(index - 1, 0)].rstrip() + "…"
    return text


def _wrap(text: str, width: float, size: float) -> list[str]:
    lines: list[str] = []
    for word in _clean(text).split(" "):
        if lines and _width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(_fit(word, width, size))
    return lines


def _width(text: str, size: float) -> float:
    return sum(_char_width(char) for char in text) * size


def _char_width(char: str) -> float:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0.0
    return 1.0 if unicodedata.east_asian_width(char) in ("W", "F") else 0.6


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else _num(value)


def _one_decimal(value: float) -> str:
    return f"{value:.1f}"


def _percent(share: float) -> str:
    return f"{Decimal(repr(share)).quantize(Decimal(1), ROUND_HALF_UP)}%"
