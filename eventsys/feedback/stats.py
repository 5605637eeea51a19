"""Statistics of feedback responses: a pure core (plain data in, plain data out).

Services translate forms, questions and responses into the dataclasses below and call
`summarise`; views, the API and `charts` read the summaries. Nothing here imports Flask or
the database.

Anonymity rule: for an anonymous form with fewer than `min_responses` (5) responses every
question summary is *withheld*: it keeps what the form itself says (question id, kind,
label, and for ratings the scale and its end labels), `withheld=True` and `count`, the number
of answers, and every other field is None: no mean, median, deviation or distribution, no
per-option list (so no option counts or shares), no yes/no counts or shares, no number of
selections, no free text, no count of ignored answers. With few respondents the organiser
knows who answered, so any of those would reveal a person's answer. In anonymous forms the
free-text answers are also sorted, so that their order cannot be matched with submission
order or across questions.
"""
from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from numbers import Integral
from typing import Literal, Union

KINDS = ("rating", "single_choice", "multiple_choice", "yes_no", "text")
MIN_RESPONSES = 5
SORT_ORDERS = ("mean", "count", "title")


@dataclass(frozen=True)
class Option:
    key: str
    label: str


@dataclass(frozen=True)
class Question:
    """A form question. `options` may be given as plain strings (key = label)."""

    id: Hashable
    kind: str
    label: str
    scale_min: int = 1
    scale_max: int = 5
    low_label: str = ""
    high_label: str = ""
    options: tuple[Option, ...] = ()

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown question kind {self.kind!r}")
        if self.kind == "rating" and not self.scale_min < self.scale_max:
            raise ValueError("scale_min must be below scale_max")
        options = tuple(o if isinstance(o, Option) else Option(str(o), str(o)) for o in self.options)
        if len({o.key for o in options}) != len(options):
            raise ValueError("option keys must be unique")
        object.__setattr__(self, "options", options)


@dataclass(frozen=True)
class Form:
    questions: tuple[Question, ...]
    title: str = ""


@dataclass(frozen=True)
class ScalePoint:
    value: int
    count: int
    share: float  # percent of answers, exact


@dataclass(frozen=True)
class OptionCount:
    key: str
    label: str
    count: int
    share: float  # percent of answers (single) or of respondents (multiple), exact
    share_rounded: float  # one decimal, half up


@dataclass(frozen=True)
class RatingSummary:
    question_id: Hashable
    label: str
    scale_min: int
    scale_max: int
    low_label: str
    high_label: str
    count: int
    mean: float | None = None
    mean_rounded: float | None = None  # one decimal, half up
    median: float | None = None
    stdev: float | None = None  # population standard deviation (defined for 1 answer)
    distribution: tuple[ScalePoint, ...] | None = None  # scale order, zeros included
    ignored: int | None = None  # answers that were not a whole number on the scale
    withheld: bool = False
    kind: Literal["rating"] = "rating"


@dataclass(frozen=True)
class ChoiceSummary:
    question_id: Hashable
    label: str
    kind: Literal["single_choice", "multiple_choice"]
    count: int  # respondents who chose at least one known option
    selections: int | None = None  # options ticked in all; equals count for single choice
    options: tuple[OptionCount, ...] | None = None  # form order, zeros included
    ignored: int | None = None  # unknown keys or malformed answers
    withheld: bool = False


@dataclass(frozen=True)
class YesNoSummary:
    question_id: Hashable
    label: str
    count: int
    yes: int | None = None
    no: int | None = None
    yes_share: float | None = None
    no_share: float | None = None
    ignored: int | None = None
    withheld: bool = False
    kind: Literal["yes_no"] = "yes_no"


@dataclass(frozen=True)
class TextSummary:
    question_id: Hashable
    label: str
    count: int  # non-empty answers
    answers: tuple[str, ...] | None = None  # stripped; sorted when the form is anonymous
    ignored: int | None = None
    withheld: bool = False
    kind: Literal["text"] = "text"


QuestionSummary = Union[RatingSummary, ChoiceSummary, YesNoSummary, TextSummary]


@dataclass(frozen=True)
class FormSummary:
    response_count: int
    anonymous: bool
    min_responses: int
    withheld: bool
    questions: tuple[QuestionSummary, ...]


@dataclass(frozen=True)
class SlotRating:
    slot_id: Hashable
    title: str
    summary: RatingSummary


@dataclass(frozen=True)
class SlotComparisonRow:
    slot_id: Hashable
    title: str
    count: int
    mean: float | None
    mean_rounded: float | None
    median: float | None
    withheld: bool


def round_half_up(value: Fraction | float, places: int = 1) -> float:
    """Round as people do (4.25 -> 4.3), not to even as `round` does.

    A float is taken as it prints (4.35, not the binary 4.34999...); a Fraction exactly.
    """
    exact = Fraction(repr(value)) if isinstance(value, float) else Fraction(value)
    scale = 10**places
    return math.floor(exact * scale + Fraction(1, 2)) / scale


def _percent(part: int, whole: int) -> float:
    return part * 100 / whole if whole else 0.0


def summarise(form: Form | Sequence[Question], answers: Sequence[Mapping[Hashable, object]],
              anonymous: bool, min_responses: int = MIN_RESPONSES) -> FormSummary:
    """Summarise every question of `form`; `answers` holds one {question_id: value} per response.

    A missing key or None means the question was skipped.
    """
    if min_responses < 0:
        raise ValueError("min_responses cannot be negative")
    questions = tuple(getattr(form, "questions", form))
    withheld = anonymous and len(answers) < min_responses
    summaries = tuple(
        summarise_question(q, (a.get(q.id) for a in answers), withheld=withheld, anonymous=anonymous)
        for q in questions
    )
    return FormSummary(len(answers), anonymous, min_responses, withheld, summaries)


def summarise_question(question: Question, values: Iterable[object], *, withheld: bool = False,
                       anonymous: bool = False) -> QuestionSummary:
    """One question's summary; None values are skipped answers. See the module doc for `withheld`."""
    values = [v for v in values if v is not None]
    if question.kind == "rating":
        return summarise_rating(question, values, withheld=withheld)
    if question.kind == "yes_no":
        return summarise_yes_no(question, values, withheld=withheld)
    if question.kind == "text":
        return summarise_text(question, values, withheld=withheld, anonymous=anonymous)
    return summarise_choice(question, values, withheld=withheld)


def summarise_rating(question: Question, values: Iterable[object], *,
                     withheld: bool = False) -> RatingSummary:
    valid, ignored = _split(values, lambda v: isinstance(v, Integral) and not isinstance(v, bool)
                            and question.scale_min <= v <= question.scale_max)
    ratings = [int(v) for v in valid]
    head = (question.id, question.label, question.scale_min, question.scale_max,
            question.low_label, question.high_label, len(ratings))
    if withheld:
        return RatingSummary(*head, withheld=True)
    counts = Counter(ratings)
    distribution = tuple(
        ScalePoint(point, counts[point], _percent(counts[point], len(ratings)))
        for point in range(question.scale_min, question.scale_max + 1)
    )
    if not ratings:
        return RatingSummary(*head, distribution=distribution, ignored=ignored)
    return RatingSummary(
        *head,
        mean=statistics.fmean(ratings),
        mean_rounded=round_half_up(Fraction(sum(ratings), len(ratings))),
        median=float(statistics.median(ratings)),
        stdev=statistics.pstdev(ratings),
        distribution=distribution,
        ignored=ignored,
    )


def summarise_choice(question: Question, values: Iterable[object], *,
                     withheld: bool = False) -> ChoiceSummary:
    """Single choice: values are option keys. Multiple choice: values are collections of keys;
    an empty collection counts as skipped, a key ticked twice counts once."""
    known = {o.key for o in question.options}
    if question.kind == "single_choice":
        chosen, ignored = _split(values, lambda v: isinstance(v, str) and v in known)
        selections = [(key,) for key in chosen]
    else:
        selections, ignored = _multiple_selections(values, known)
    respondents = len(selections)
    if withheld:
        return ChoiceSummary(question.id, question.label, question.kind, respondents, withheld=True)
    counts = Counter(key for selection in selections for key in selection)
    options = tuple(
        OptionCount(o.key, o.label, counts[o.key], _percent(counts[o.key], respondents),
                    round_half_up(Fraction(counts[o.key] * 100, respondents or 1)))
        for o in question.options
    )
    return ChoiceSummary(question.id, question.label, question.kind, respondents,
                         selections=sum(counts.values()), options=options, ignored=ignored)


def _multiple_selections(values: Iterable[object], known: set[str]) -> tuple[list[tuple], int]:
    selections, ignored = [], 0
    for value in values:
        if not isinstance(value, (list, tuple, set, frozenset)):
            ignored += 1
            continue
        keys = list(dict.fromkeys(k for k in value if isinstance(k, str) and k in known))
        ignored += len(value) - sum(1 for k in value if isinstance(k, str) and k in known)
        if keys:
            selections.append(tuple(keys))
    return selections, ignored


def summarise_yes_no(question: Question, values: Iterable[object], *,
                     withheld: bool = False) -> YesNoSummary:
    answers, ignored = _split(values, lambda v: isinstance(v, bool))
    if withheld:
        return YesNoSummary(question.id, question.label, len(answers), withheld=True)
    yes = sum(answers)
    no = len(answers) - yes
    return YesNoSummary(question.id, question.label, len(answers), yes, no,
                        _percent(yes, len(answers)), _percent(no, len(answers)), ignored)


def summarise_text(question: Question, values: Iterable[object], *, withheld: bool = False,
                   anonymous: bool = False) -> TextSummary:
    texts, ignored = _split(values, lambda v: isinstance(v, str))
    answers = [t.strip() for t in texts if t.strip()]
    if withheld:
        return TextSummary(question.id, question.label, len(answers), withheld=True)
    if anonymous:
        answers.sort(key=lambda t: (t.casefold(), t))
    return TextSummary(question.id, question.label, len(answers), tuple(answers), ignored)


def _split(values: Iterable[object], is_valid) -> tuple[list, int]:
    valid, ignored = [], 0
    for value in values:
        if is_valid(value):
            valid.append(value)
        else:
            ignored += 1
    return valid, ignored


def response_rate(responses: int | Sequence, attended: int) -> float | None:
    """Responses per attendee as a percentage (exact); None when nobody attended.

    Not capped at 100: people who answered without being checked in push it over, and
    hiding that would hide a check-in problem.
    """
    count = responses if isinstance(responses, int) else len(responses)
    if count < 0 or attended < 0:
        raise ValueError("counts cannot be negative")
    return count * 100 / attended if attended else None


def slot_comparison(rows: Iterable[SlotRating], order: str = "mean") -> list[SlotComparisonRow]:
    """Rows ordered by "mean" (best first), "count" (most first) or "title" (A-Z).

    Ties fall back to count/mean and then title (case-insensitively); remaining ties keep
    the input order. Slots without responses always come last; withheld slots (anonymous,
    too few responses) have no mean, so by mean they come after the slots that have one.
    Means are compared as positions on each slot's scale, so 4 of 5 beats 7 of 10.
    """
    if order not in SORT_ORDERS:
        raise ValueError(f"order must be one of {SORT_ORDERS}")
    rows = list(rows)
    rows.sort(key=_SORT_KEYS[order])
    return [_comparison_row(row) for row in rows]


def _mean_key(row: SlotRating) -> tuple:
    s = row.summary
    if s.mean is None:
        return (1, 0.0)
    return (0, -(s.mean - s.scale_min) / (s.scale_max - s.scale_min))


def _title_key(row: SlotRating) -> tuple:
    return (row.title.casefold(), row.title)


_SORT_KEYS = {
    "mean": lambda r: (r.summary.count == 0, _mean_key(r), -r.summary.count, _title_key(r)),
    "count": lambda r: (r.summary.count == 0, -r.summary.count, _mean_key(r), _title_key(r)),
    "title": lambda r: (r.summary.count == 0, _title_key(r)),
}


def _comparison_row(row: SlotRating) -> SlotComparisonRow:
    s = row.summary
    return SlotComparisonRow(row.slot_id, row.title, s.count, s.mean, s.mean_rounded, s.median,
                             s.withheld)
