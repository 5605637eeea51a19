"""The statistics core, read as a specification: plain data in, exact numbers out."""
from __future__ import annotations

import dataclasses
import statistics

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eventsys.feedback.stats import (
    ChoiceSummary, Form, Option, OptionCount, Question, RatingSummary, ScalePoint, SlotRating,
    TextSummary, YesNoSummary, response_rate, round_half_up, slot_comparison, summarise,
    summarise_choice, summarise_question, summarise_rating, summarise_text, summarise_yes_no,
)

RATING = Question("q1", "rating", "Overall", low_label="Poor", high_label="Excellent")
LUNCH = Question("q2", "single_choice", "Lunch", options=(Option("veg", "Vegetarian"),
                                                        Option("vgn", "Vegan"), Option("meat", "Meat")))
TOPICS = Question("q3", "multiple_choice", "Topics", options=("AI", "Web", "Data"))
AGAIN = Question("q4", "yes_no", "Would you come again?")
REMARKS = Question("q5", "text", "Anything else?")
FORM = Form((RATING, LUNCH, TOPICS, AGAIN, REMARKS), title="Day 1")


def response(rating=None, lunch=None, topics=None, again=None, remark=None) -> dict:
    values = {"q1": rating, "q2": lunch, "q3": topics, "q4": again, "q5": remark}
    return {key: value for key, value in values.items() if value is not None}


FIVE = [
    response(5, "veg", ("AI", "Data"), True, "  Great venue "),
    response(5, "veg", ("AI",), True, ""),
    response(4, "vgn", ("Web", "AI"), False, "Coffee ran out"),
    response(3, "veg", (), True, "   "),
    response(5),
]


# --- ratings -------------------------------------------------------------------------

def test_rating_summary_exact_values():
    summary = summarise_rating(RATING, [5, 5, 4, 3, 5])
    assert summary == RatingSummary(
        "q1", "Overall", 1, 5, "Poor", "Excellent", count=5, mean=4.4, mean_rounded=4.4,
        median=5.0, stdev=pytest.approx(0.8), ignored=0,
        distribution=(ScalePoint(1, 0, 0.0), ScalePoint(2, 0, 0.0), ScalePoint(3, 1, 20.0),
                      ScalePoint(4, 1, 20.0), ScalePoint(5, 3, 60.0)),
    )


def test_rating_mean_rounded_half_up_keeps_exact_mean():
    summary = summarise_rating(RATING, [4, 4, 4, 5, 5, 4, 4, 4])  # 34 / 8 = 4.25
    assert summary.mean == 4.25
    assert summary.mean_rounded == 4.3
    assert summary.median == 4.0


def test_rating_median_of_even_count_is_midpoint():
    assert summarise_rating(RATING, [4, 5]).median == 4.5


def test_rating_single_answer_has_zero_deviation():
    assert summarise_rating(RATING, [2]).stdev == 0.0


def test_rating_without_answers_has_zero_distribution_and_no_mean():
    summary = summarise_rating(RATING, [])
    assert (summary.count, summary.mean, summary.median, summary.stdev) == (0, None, None, None)
    assert [(p.value, p.count) for p in summary.distribution] == [(1, 0), (2, 0), (3, 0), (4, 0), (5, 0)]


def test_rating_ignores_values_off_the_scale_or_not_whole_numbers():
    summary = summarise_rating(RATING, [0, 6, True, 4.5, "5", 3])
    assert (summary.count, summary.ignored, summary.mean) == (1, 5, 3.0)


def test_rating_custom_scale_distribution_in_scale_order():
    nps = Question("n", "rating", "Recommend", scale_min=0, scale_max=10)
    summary = summarise_rating(nps, [0, 10, 10])
    assert [p.value for p in summary.distribution] == list(range(11))
    assert summary.distribution[10].count == 2


def test_question_rejects_inverted_scale_and_unknown_kind():
    with pytest.raises(ValueError):
        Question("x", "rating", "Bad", scale_min=5, scale_max=5)
    with pytest.raises(ValueError):
        Question("x", "stars", "Bad")
    with pytest.raises(ValueError):
        Question("x", "single_choice", "Bad", options=("a", "a"))


# --- choices -------------------------------------------------------------------------

def test_single_choice_counts_in_form_order_with_zeros_and_shares():
    summary = summarise_choice(LUNCH, ["vgn", "veg", "veg", "fish"])
    assert summary == ChoiceSummary(
        "q2", "Lunch", "single_choice", count=3, selections=3, ignored=1,
        options=(OptionCount("veg", "Vegetarian", 2, pytest.approx(200 / 3), 66.7),
                 OptionCount("vgn", "Vegan", 1, pytest.approx(100 / 3), 33.3),
                 OptionCount("meat", "Meat", 0, 0.0, 0.0)),
    )


def test_options_given_as_strings_become_key_and_label():
    assert TOPICS.options == (Option("AI", "AI"), Option("Web", "Web"), Option("Data", "Data"))


def test_multiple_choice_counts_respondents_and_selections_separately():
    summary = summarise_choice(TOPICS, [("AI", "Data"), ("AI",), ("Web", "AI"), (), ("AI", "AI")])
    assert (summary.count, summary.selections) == (4, 6)
    assert [(o.key, o.count, o.share) for o in summary.options] == [
        ("AI", 4, 100.0), ("Web", 1, 25.0), ("Data", 1, 25.0)]


def test_multiple_choice_ignores_unknown_keys_and_bare_strings():
    summary = summarise_choice(TOPICS, [("AI", "Cooking"), "AI", ("Cooking",)])
    assert (summary.count, summary.selections, summary.ignored) == (1, 1, 3)


# --- yes/no and text -----------------------------------------------------------------

def test_yes_no_counts_and_shares():
    assert summarise_yes_no(AGAIN, [True, True, False, True, "yes"]) == YesNoSummary(
        "q4", "Would you come again?", 4, yes=3, no=1, yes_share=75.0, no_share=25.0, ignored=1)


def test_text_answers_are_stripped_and_empty_ones_dropped_in_given_order():
    summary = summarise_text(REMARKS, ["  b ", "", "   ", "A", 7])
    assert summary == TextSummary("q5", "Anything else?", 2, ("b", "A"), ignored=1)


def test_text_answers_of_anonymous_form_are_sorted():
    summary = summarise_text(REMARKS, ["b", "C", "a"], anonymous=True)
    assert summary.answers == ("a", "b", "C")


# --- whole forms and the anonymity threshold ------------------------------------------

def test_summarise_skipped_questions_do_not_count():
    result = summarise(FORM, FIVE, anonymous=False)
    counts = [q.count for q in result.questions]
    assert result.response_count == 5
    assert counts == [5, 4, 3, 4, 2]


def test_anonymous_form_with_five_responses_shows_full_results():
    result = summarise(FORM, FIVE, anonymous=True)
    rating, lunch, topics, again, remarks = result.questions
    assert not result.withheld
    assert rating.mean == 4.4 and rating.distribution[4].count == 3
    assert [o.count for o in lunch.options] == [3, 1, 0]
    assert topics.selections == 5
    assert (again.yes, again.no) == (3, 1)
    assert remarks.answers == ("Coffee ran out", "Great venue")


# Fields a withheld summary may still fill: what the form itself says, and counts.
PUBLIC_FIELDS = {"question_id", "label", "kind", "scale_min", "scale_max", "low_label",
                 "high_label", "count", "withheld"}


def assert_counts_only(summary) -> None:
    assert summary.withheld
    for name, value in dataclasses.asdict(summary).items():
        if name not in PUBLIC_FIELDS:
            assert value is None, name


def test_anonymous_form_with_four_responses_shows_counts_only():
    result = summarise(FORM, FIVE[:4], anonymous=True)
    assert result.withheld and result.response_count == 4
    assert [q.count for q in result.questions] == [4, 4, 3, 4, 2]
    for summary in result.questions:
        assert_counts_only(summary)
    assert "Great venue" not in repr(result)


def test_non_anonymous_form_with_one_response_shows_full_results():
    result = summarise(FORM, FIVE[:1], anonymous=False)
    assert not result.withheld
    assert result.questions[0].distribution[4].count == 1
    assert result.questions[4].answers == ("Great venue",)


def test_threshold_can_be_changed():
    assert not summarise(FORM, FIVE[:2], anonymous=True, min_responses=2).withheld
    assert summarise(FORM, FIVE, anonymous=True, min_responses=6).withheld


def test_summarise_accepts_a_plain_sequence_of_questions():
    assert summarise([RATING], [{"q1": 4}], anonymous=False).questions[0].mean == 4.0


# --- response rate and slot comparison -------------------------------------------------

def test_response_rate_is_a_percentage():
    assert response_rate(37, 50) == 74.0
    assert response_rate(FIVE, 10) == 50.0
    assert response_rate(12, 10) == 120.0


def test_response_rate_without_attendees_is_none():
    assert response_rate(0, 0) is None
    with pytest.raises(ValueError):
        response_rate(-1, 3)


def slot(slot_id, title, ratings, withheld=False):
    return SlotRating(slot_id, title, summarise_rating(RATING, ratings, withheld=withheld))


SLOTS = [
    slot(1, "keynote", [5, 4]),
    slot(2, "Break", []),
    slot(3, "Workshop", [4, 4, 4, 5, 5]),
    slot(4, "Panel", [5, 4]),
    slot(5, "Alpha", [3, 3, 3], withheld=True),
]


def test_slot_comparison_by_mean_best_first_ties_by_count_then_title():
    rows = slot_comparison(SLOTS, "mean")
    assert [r.slot_id for r in rows] == [1, 4, 3, 5, 2]
    assert rows[0].mean_rounded == 4.5 and rows[2].mean == 4.4


def test_slot_comparison_by_count_most_first():
    assert [r.slot_id for r in slot_comparison(SLOTS, "count")] == [3, 5, 1, 4, 2]


def test_slot_comparison_by_title_case_insensitive_empty_slots_last():
    assert [r.title for r in slot_comparison(SLOTS, "title")] == [
        "Alpha", "keynote", "Panel", "Workshop", "Break"]


def test_slot_comparison_compares_positions_on_different_scales():
    ten = Question("t", "rating", "Ten", scale_min=1, scale_max=10)
    rows = [SlotRating("a", "A", summarise_rating(ten, [8])),  # 7/9 of the way
            SlotRating("b", "B", summarise_rating(RATING, [4]))]  # 3/4 of the way
    assert [r.slot_id for r in slot_comparison(rows)] == ["a", "b"]


def test_slot_comparison_rejects_unknown_order():
    with pytest.raises(ValueError):
        slot_comparison(SLOTS, "rating")


def test_round_half_up():
    assert (round_half_up(4.25), round_half_up(4.35), round_half_up(2 / 3)) == (4.3, 4.4, 0.7)


# --- properties ----------------------------------------------------------------------

scales = st.tuples(st.integers(-3, 3), st.integers(1, 10)).map(lambda t: (t[0], t[0] + t[1]))


@st.composite
def rating_case(draw):
    low, high = draw(scales)
    question = Question("r", "rating", "R", scale_min=low, scale_max=high)
    return question, draw(st.lists(st.integers(low, high), max_size=60))


@settings(max_examples=100, deadline=None)
@given(rating_case())
def test_property_rating_distribution_mean_and_median(case):
    question, ratings = case
    summary = summarise_rating(question, ratings)
    assert sum(p.count for p in summary.distribution) == summary.count == len(ratings)
    assert [p.value for p in summary.distribution] == list(range(question.scale_min, question.scale_max + 1))
    if ratings:
        assert question.scale_min <= summary.mean <= question.scale_max
        assert question.scale_min <= summary.mean_rounded <= question.scale_max
        assert summary.median == statistics.median(ratings)
        assert summary.stdev >= 0


keys = ["a", "b", "c", "d"]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.sampled_from(keys + ["zz"]), max_size=5).map(tuple), max_size=40))
def test_property_multiple_choice_counts_sum_to_selections(answers):
    question = Question("m", "multiple_choice", "M", options=tuple(keys))
    summary = summarise_choice(question, answers)
    assert sum(o.count for o in summary.options) == summary.selections
    assert all(o.count <= summary.count for o in summary.options)
    assert summary.count == sum(1 for a in answers if set(a) & set(keys))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(keys), max_size=40))
def test_property_single_choice_counts_sum_to_answers(answers):
    summary = summarise_choice(Question("s", "single_choice", "S", options=tuple(keys)), answers)
    assert sum(o.count for o in summary.options) == summary.selections == summary.count == len(answers)
    if answers:
        assert sum(o.share for o in summary.options) == pytest.approx(100.0)


responses = st.lists(st.fixed_dictionaries({}, optional={
    "q1": st.integers(1, 5), "q2": st.sampled_from(["veg", "vgn", "meat"]),
    "q3": st.lists(st.sampled_from(["AI", "Web", "Data"]), max_size=3).map(tuple),
    "q4": st.booleans(), "q5": st.text(max_size=20),
}), max_size=12)


@settings(max_examples=100, deadline=None)
@given(responses, st.booleans())
def test_property_anonymity_threshold(answers, anonymous):
    result = summarise(FORM, answers, anonymous=anonymous)
    assert result.withheld == (anonymous and len(answers) < 5)
    for summary in result.questions:
        if result.withheld:
            assert_counts_only(summary)
        else:
            assert not summary.withheld
    assert [q.count for q in result.questions] == [
        q.count for q in summarise(FORM, answers, anonymous=False).questions]


@settings(max_examples=50, deadline=None)
@given(st.sampled_from(FORM.questions))
def test_property_no_answers_is_never_an_error(question):
    summary = summarise_question(question, [None, None])
    assert summary.count == 0
