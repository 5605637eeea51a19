"""Escaping, folding and value formats of hand-written content lines."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from eventsys.ical.contentlines import (clean_text, clean_uri, duration, encode_lines, escape_text,
                                        fold, mailto, quote_param, utc_stamp)


def test_escape_text_escapes_backslash_semicolon_comma_and_newline():
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_clean_text_normalises_line_ends_and_drops_controls_but_keeps_tab_and_emoji():
    assert clean_text("a\r\nb\rc\x00d\x1be\x7ff\x9fg\th😀\ud800") == "a\nb\ncdefg\th😀"
    assert clean_text(None) == ""


def test_quote_param_cannot_contain_quotes_or_newlines():
    assert quote_param('Ann "the chair"\nSmith') == "\"Ann 'the chair' Smith\""


def test_fold_keeps_75_octets_and_breaks_before_a_whole_character():
    assert fold("a" * 75) == b"a" * 75
    assert fold("a" * 76) == b"a" * 75 + b"\r\n a"
    folded = fold("a" + "€" * 30)
    first, rest = folded.split(b"\r\n ")
    assert len(first) == 73 and first.decode("utf-8") == "a" + "€" * 24
    assert rest.decode("utf-8") == "€" * 6


@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=400))
def test_fold_is_reversible_and_never_splits_a_character(text):
    line = "X:" + text.replace("\r", "").replace("\n", "")
    folded = fold(line)
    for physical in folded.split(b"\r\n"):
        assert len(physical) <= 75
        physical.decode("utf-8")
    assert folded.replace(b"\r\n ", b"") == line.encode("utf-8")


def test_encode_lines_ends_every_line_with_crlf():
    assert encode_lines(["BEGIN:VCALENDAR", "END:VCALENDAR"]) == b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"


def test_clean_uri_accepts_web_links_only_and_removes_spaces_and_controls():
    assert clean_uri(" https://x.example/a b\x00c ") == "https://x.example/a%20bc"
    assert clean_uri("javascript:alert(1)") is None
    assert clean_uri("ftp://x.example/f") is None
    assert clean_uri("ftp://x.example/f", web_only=False) == "ftp://x.example/f"
    assert clean_uri("") is None


def test_mailto_needs_one_at_sign():
    assert mailto("contact@example.org") == "mailto:contact@example.org"
    assert mailto("no-at-sign") is None
    assert mailto("@example.org") is None
    assert mailto(None) is None


def test_utc_stamp_converts_aware_times_and_takes_naive_as_utc():
    assert utc_stamp(datetime(2025, 1, 1, 1, 0, tzinfo=ZoneInfo("Europe/Madrid"))) == "20250101T000000Z"
    assert utc_stamp(datetime(2025, 7, 4, 23, 59, 58)) == "20250704T235958Z"


def test_duration_in_hours_and_minutes():
    assert [duration(m) for m in (60, 90, 15, 1440, 0)] == ["PT1H", "PT1H30M", "PT15M", "PT24H", "PT1M"]
