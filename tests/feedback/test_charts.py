"""SVG charts: valid, accessible, CSP-clean, escaped, with an exact text alternative."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from eventsys.feedback.charts import BACKGROUND, BAR, TRACK, Chart, choice_chart, rating_chart
from eventsys.feedback.stats import (
    Option, Question, summarise, summarise_choice, summarise_rating, summarise_yes_no,
)

NS = "{http://www.w3.org/2000/svg}"
RATING = Question("q1", "rating", "Overall", low_label="Poor", high_label="Excellent")
LUNCH = Question("q2", "single_choice", "Lunch", options=(Option("veg", "Vegetarian"),
                                                        Option("vgn", "Vegan"), Option("meat", "Meat")))
TOPICS = Question("q3", "multiple_choice", "Topics", options=("AI", "Web", "Data"))
DISTRIBUTION = [5] * 20 + [4] * 10 + [3] * 5 + [2, 1]  # 37 answers, mean 158 / 37 = 4.27


def parse(chart: Chart) -> ET.Element:
    return ET.fromstring(chart.svg)


def bars(root: ET.Element) -> list[ET.Element]:
    return [el for el in root.iter(f"{NS}rect") if el.get("class") == "bar"]


def texts(root: ET.Element) -> list[str]:
    return [el.text for el in root.iter(f"{NS}text")]


def assert_safe_accessible_svg(chart: Chart) -> ET.Element:
    root = parse(chart)
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    assert root.get("width") == "100%" and root.get("height") is None
    assert re.fullmatch(r"0 0 480 \d+(\.\d)?", root.get("viewBox"))
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root[0].tag == f"{NS}title" and root[0].get("id") == title_id
    assert root[1].tag == f"{NS}desc" and root[1].get("id") == desc_id
    assert root[1].text == chart.text
    for el in root.iter():
        assert el.tag.removeprefix(NS) in {"svg", "title", "desc", "rect", "text", "line", "polygon"}
        for name, value in el.attrib.items():
            assert name != "style" and not name.startswith("on") and "href" not in name
            assert "url(" not in value and "javascript:" not in value.lower()
    return root


# --- rating chart --------------------------------------------------------------------

def test_rating_chart_text_alternative_exact():
    chart = rating_chart(summarise_rating(RATING, DISTRIBUTION), "Overall rating")
    assert chart.text == ("Overall rating: mean 4.3 of 5 (median 5) from 37 responses; "
                          "5 (Excellent): 20, 4: 10, 3: 5, 2: 1, 1 (Poor): 1.")


def test_rating_chart_draws_a_bar_per_answered_point_with_counts_and_labelled_ends():
    root = assert_safe_accessible_svg(rating_chart(summarise_rating(RATING, DISTRIBUTION), "Overall"))
    assert [b.get("width") for b in bars(root)] == ["123.2", "61.6", "30.8", "6.2", "6.2"]  # of 228
    labels = texts(root)
    assert labels[:2] == ["Overall", "Mean 4.3 of 5 · 37 responses"]
    assert labels[2:5] == ["5 Excellent", "20 · 54%", "4"]
    assert "1 Poor" in labels


def test_rating_chart_marks_the_mean_on_the_scale():
    root = parse(rating_chart(summarise_rating(RATING, [4, 5]), "Overall"))  # mean 4.5
    marker = next(root.iter(f"{NS}polygon"))
    assert marker.get("class") == "mean"
    assert marker.get("points").split()[2] == "347.5,222"  # tip: 148 + 228 * 3.5 / 4, below 5 rows
    assert "Mean 4.5" in texts(root)


def test_rating_chart_with_zero_responses_is_an_empty_state():
    chart = rating_chart(summarise_rating(RATING, []), "Overall")
    root = assert_safe_accessible_svg(chart)
    assert chart.text == "Overall: no responses yet."
    assert bars(root) == [] and list(root.iter(f"{NS}polygon")) == []


def test_rating_chart_below_anonymity_threshold_shows_only_the_count():
    summary = summarise([RATING], [{"q1": 1}, {"q1": 5}, {"q1": 5}], anonymous=True).questions[0]
    chart = rating_chart(summary, "Overall")
    root = assert_safe_accessible_svg(chart)
    assert chart.text == ("Overall: 3 responses; details are hidden to protect anonymity "
                          "until there are enough responses.")
    assert bars(root) == []
    assert not any(t and "Mean" in t for t in texts(root))


def test_rating_chart_one_response_uses_singular():
    assert "from 1 response;" in rating_chart(summarise_rating(RATING, [4]), "Overall").text


def test_rating_chart_translates_through_gettext():
    spanish = {"Mean %(mean)s of %(max)s": "Media %(mean)s de %(max)s"}
    chart = rating_chart(summarise_rating(RATING, [4]), "General", gettext=lambda m: spanish.get(m, m),
                         ngettext=lambda s, p, n: "%(num)d respuesta" if n == 1 else "%(num)d respuestas")
    assert "Media 4.0 de 5 · 1 respuesta" in texts(parse(chart))


# --- choice chart --------------------------------------------------------------------

def test_choice_chart_text_alternative_exact():
    chart = choice_chart(summarise_choice(LUNCH, ["veg", "veg", "vgn"]), "Lunch")
    assert chart.text == "Lunch: 3 responses; Vegetarian: 2 (67%), Vegan: 1 (33%), Meat: 0 (0%)."


def test_choice_chart_bar_per_option_in_form_order():
    root = assert_safe_accessible_svg(choice_chart(summarise_choice(LUNCH, ["veg", "vgn"]), "Lunch"))
    assert [b.get("width") for b in bars(root)] == ["180", "180"]  # 50% of 360
    assert texts(root)[2:] == ["Vegetarian", "1 · 50%", "Vegan", "1 · 50%", "Meat", "0 · 0%"]


def test_multiple_choice_chart_says_percentages_are_of_respondents():
    chart = choice_chart(summarise_choice(TOPICS, [("AI", "Web"), ("AI",)]), "Topics")
    assert chart.text == ("Topics: 2 respondents made 3 selections (several answers allowed; "
                          "percentages are of respondents); AI: 2 (100%), Web: 1 (50%), Data: 0 (0%).")
    assert "2 respondents · 3 selections · % of respondents" in texts(parse(chart))


def test_yes_no_chart():
    again = Question("q4", "yes_no", "Again?")
    chart = choice_chart(summarise_yes_no(again, [True, True, True, False]), "Again?")
    assert chart.text == "Again?: 4 responses; Yes: 3 (75%), No: 1 (25%)."
    assert len(bars(assert_safe_accessible_svg(chart))) == 2


def test_choice_chart_with_zero_responses_and_withheld():
    assert choice_chart(summarise_choice(LUNCH, []), "Lunch").text == "Lunch: no responses yet."
    withheld = choice_chart(summarise_choice(LUNCH, ["veg"], withheld=True), "Lunch")
    assert withheld.text.startswith("Lunch: 1 response; details are hidden")
    assert "Vegetarian" not in withheld.svg


# --- escaping, ids, colours ----------------------------------------------------------

NASTY = "<script>alert(\"x\")</script> & 'quotes' 😀 \x00\x0b"


def test_user_text_is_escaped_everywhere():
    question = Question("q", "single_choice", NASTY, options=(Option("k", NASTY),))
    chart = choice_chart(summarise_choice(question, ["k"]), NASTY)
    root = assert_safe_accessible_svg(chart)
    assert "<script" not in chart.svg and "&lt;script&gt;" in chart.svg
    assert NASTY[:20] not in chart.svg and "</script> &" not in chart.svg
    assert root[0].text == "<script>alert(\"x\")</script> & 'quotes' 😀"
    assert list(root.iter(f"{NS}script")) == []


def test_chart_id_is_sanitised_and_used_for_labelling():
    chart = rating_chart(summarise_rating(RATING, [4]), "Overall", chart_id='q 7"><x')
    assert parse(chart).get("aria-labelledby") == "chart-q-7---x-title chart-q-7---x-desc"


def test_jinja_inserts_the_svg_unescaped():
    chart = rating_chart(summarise_rating(RATING, [4]), "Overall")
    assert chart.__html__() == chart.svg


def contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_colours_have_sufficient_contrast_on_the_background():
    root = parse(rating_chart(summarise_rating(RATING, DISTRIBUTION), "Overall"))
    for el in root.iter():
        colour = el.get("fill") or el.get("stroke")
        if el.tag == f"{NS}text":
            assert contrast(colour, BACKGROUND) >= 4.5, colour
        elif el.get("class") in {"bar", "mean"} or el.tag == f"{NS}line":
            assert contrast(colour, BACKGROUND) >= 3.0, colour
    assert contrast(BAR, TRACK) >= 3.0


# --- properties ----------------------------------------------------------------------

labels = st.text(st.characters(exclude_categories=()), max_size=40)  # surrogates, controls too
MARKUP_LT = re.compile(r"</?(svg|title|desc|rect|text|line|polygon)[ />]")
ENTITY = re.compile(r"&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);")
NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def assert_user_text_escaped(chart: Chart, title: str) -> None:
    """Every '<' opens one of our tags and every '&' starts an entity, so no user text with
    '<' or '&' can appear unescaped. (A plain `label not in svg` is wrong for labels such as
    '&' or '<t', which are substrings of '&amp;' and '<text'; the example test does that.)
    The title survives the round trip, less what XML cannot carry."""
    assert all(MARKUP_LT.match(chart.svg, m.start()) for m in re.finditer("<", chart.svg))
    assert all(ENTITY.match(chart.svg, m.start()) for m in re.finditer("&", chart.svg))
    assert (parse(chart)[0].text or "") == " ".join(NOT_XML.sub("", title).split())


@settings(max_examples=80, deadline=None)
@given(labels, labels, labels, st.lists(st.integers(1, 5), max_size=12))
def test_property_rating_svg_always_parses(title, low, high, ratings):
    question = Question("q", "rating", title, low_label=low, high_label=high)
    chart = rating_chart(summarise_rating(question, ratings), title)
    assert_safe_accessible_svg(chart)
    assert_user_text_escaped(chart, title)


@settings(max_examples=80, deadline=None)
@given(labels, st.lists(labels, min_size=1, max_size=5, unique=True), st.data())
def test_property_choice_svg_always_parses(title, options, data):
    question = Question("q", "single_choice", title, options=tuple(options))
    answers = data.draw(st.lists(st.sampled_from(options), max_size=10))
    chart = choice_chart(summarise_choice(question, answers), title)
    root = assert_safe_accessible_svg(chart)
    assert len(bars(root)) == len(set(answers))
    assert_user_text_escaped(chart, title)


@settings(max_examples=80, deadline=None)
@given(labels, labels, st.sampled_from(["<b>&", "a<b", "R&D", "x < y & z", "&lt;"]))
def test_property_raw_label_with_lt_or_amp_never_in_svg(before, after, middle):
    label = before + middle + after
    question = Question("q", "single_choice", label, options=(Option("k", label), Option("j", "J")))
    charts = [choice_chart(summarise_choice(question, ["k", "j"]), label),
              rating_chart(summarise_rating(Question("r", "rating", label, low_label=label), [1]), label)]
    for chart in charts:
        assert label not in chart.svg
        assert_user_text_escaped(chart, label)
