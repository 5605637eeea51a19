"""Reference lists shared by forms and services: countries (ISO 3166, names from Babel
in the viewer's language) and IANA time zones.

Pickers offer only what is current: the time zones of the IANA ``zone.tab`` (one
canonical name per region, so no "US/Pacific"-style links nor renamed ones such as
"Europe/Kiev") plus UTC, and the countries of ISO 3166-1 (``iso3166.tab``), so none of
Babel's groupings ("European Union", "Outlying Oceania") or pseudo-regions. Stored
zones are still accepted when they are any name ``zoneinfo`` knows."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from zoneinfo import available_timezones

from babel import Locale

SYSTEM_ZONEINFO = Path("/usr/share/zoneinfo")


@lru_cache(maxsize=1)
def timezone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def is_valid_timezone(name: str) -> bool:
    return name in timezone_names()


def _tz_table(name: str) -> list[list[str]]:
    """The rows of one of the tz database's tables (the ``tzdata`` package's copy, else the system's)."""
    try:
        text = resources.files("tzdata").joinpath("zoneinfo", name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        text = (SYSTEM_ZONEINFO / name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def canonical_timezones() -> tuple[str, ...]:
    """Current canonical IANA zone names (zone.tab) that zoneinfo can load, and UTC, sorted."""
    names = {row[2].strip() for row in _tz_table("zone.tab") if len(row) >= 3} | {"UTC"}
    return tuple(sorted(names & timezone_names()))


def sorted_timezones(keep: str | None = None) -> list[str]:
    """The time-zone picker's choices: :func:`canonical_timezones`, plus ``keep`` (the value
    already stored) when it is a zone that zoneinfo knows under an older name, so that
    editing a record with such a zone does not fail."""
    names = list(canonical_timezones())
    if keep and keep not in names and is_valid_timezone(keep):
        names.append(keep)
    return names


@lru_cache(maxsize=1)
def iso_country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes (iso3166.tab)."""
    return frozenset(row[0].strip() for row in _tz_table("iso3166.tab"))


@lru_cache(maxsize=8)
def _territories(locale: str) -> dict[str, str]:
    names = Locale.parse(locale).territories
    return {code: name for code, name in names.items() if code in iso_country_codes()}


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
