"""Reference lists shared by forms and services: countries (ISO 3166, names from Babel
in the viewer's language) and IANA time zones."""
from __future__ import annotations

from functools import lru_cache
from zoneinfo import available_timezones

from babel import Locale


@lru_cache(maxsize=1)
def timezone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def is_valid_timezone(name: str) -> bool:
    return name in timezone_names()


def sorted_timezones() -> list[str]:
    return sorted(n for n in timezone_names() if "/" in n or n == "UTC")


@lru_cache(maxsize=8)
def _territories(locale: str) -> dict[str, str]:
    names = Locale.parse(locale).territories
    return {code: name for code, name in names.items() if len(code) == 2 and code.isalpha() and code != "ZZ"}


def country_codes() -> frozenset[str]:
    return frozenset(_territories("en"))


def is_valid_country(code: str) -> bool:
    return code in country_codes()


def country_choices(locale: str = "en") -> list[tuple[str, str]]:
    try:
        names = _territories(str(locale))
    except Exception:  # an unknown locale falls back to English names
        names = _territories("en")
    return sorted(names.items(), key=lambda item: item[1])


def country_name(code: str, locale: str = "en") -> str:
    if not code:
        return ""
    try:
        return _territories(str(locale)).get(code, code)
    except Exception:
        return code
