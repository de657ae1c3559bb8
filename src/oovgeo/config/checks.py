"""Validators of settings: numbers with a Dutch comma, code lists, municipality codes, meetings.

Each validator gets the key and the coerced value and returns the value to keep (possibly
normalised) or raises ``ConfigError`` with a Dutch message.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from oovgeo.config.codes import (
    AUDIENCES,
    MAX_MEETING_THEMES,
    NOT_FORWARDED,
    SLIDE_KINDS,
    normalise_label,
)


class ConfigError(ValueError):
    """A setting is missing, of the wrong type or inconsistent (message in Dutch)."""


# A setting's validator: gets the key and the coerced value, returns the value to keep
# (possibly normalised) or raises ConfigError with a Dutch message.
Check = Callable[[str, Any], Any]


def _decimal(value: Any) -> float:
    """Parse a number, also written with a Dutch decimal comma (``"0,25"``); raises ValueError.

    Config imports nothing of the project, so it cannot use ``oovgeo.dutch.parse_number``.
    """
    if isinstance(value, str):
        value = value.strip().replace(",", ".")
    return float(value)


def _rule(test: Callable[[Any], bool], text: str) -> Check:
    """Return a validator refusing values for which ``test`` is false, as "instelling KEY TEXT"."""

    def check(key: str, value: Any) -> Any:
        if not test(value):
            raise ConfigError(f"instelling {key} {text}")
        return value

    return check


def _non_negative_factors(key: str, value: Mapping[str, Any]) -> dict[str, Any]:
    """Theme factors (``targets.theme_weights``): numbers, none negative."""
    for theme, raw in value.items():
        try:
            factor = _decimal(raw)
        except (TypeError, ValueError):
            raise ConfigError(f"instelling {key}: themagewicht '{theme}' is geen getal") from None
        if not factor >= 0:
            raise ConfigError(f"instelling {key}: themagewichten mogen niet negatief zijn")
    return dict(value)


def _dates_per_code(key: str, value: Mapping[str, Any]) -> dict[str, date]:
    """Dates per source code (``data.complete_until``): ISO dates or TOML dates."""
    out: dict[str, date] = {}
    for code, raw in value.items():
        try:
            out[str(code)] = raw if isinstance(raw, date) else date.fromisoformat(str(raw))
        except ValueError:
            raise ConfigError(
                f"instelling {key}: '{raw}' bij bron '{code}' is geen datum (JJJJ-MM-DD)"
            ) from None
    return out


def _code_list(key: str, rows: list[Any]) -> list[dict[str, Any]]:
    """Return a list of {code, label, colour, aliases}: valid unique codes, colour defaulted.

    Refuses an alias that is not text or that matches two codes of the list (an import could
    not tell which one an export means).
    """
    _check_codes(key, rows)
    out = [
        {
            "code": r["code"],
            "label": r["label"],
            "colour": r.get("colour", "#777777"),
            "aliases": _aliases(key, r),
        }
        for r in rows
    ]
    owner: dict[str, str] = {}
    for row in out:
        for name in {row["code"], row["label"], *row["aliases"]}:
            norm = normalise_label(name)
            if owner.setdefault(norm, row["code"]) != row["code"]:
                raise ConfigError(
                    f"instelling {key}: '{name}' hoort bij zowel '{owner[norm]}' als "
                    f"'{row['code']}'; een export kan dan niet gekoppeld worden"
                )
    return out


def _aliases(key: str, row: Mapping[str, Any]) -> list[str]:
    aliases = row.get("aliases", [])
    if isinstance(aliases, str) or not all(isinstance(a, str) and a.strip() for a in aliases):
        raise ConfigError(
            f"instelling {key}: 'aliases' van '{row['code']}' is een lijst van namen, "
            'bv. aliases = ["MOR", "Meldpunt"]'
        )
    return [a.strip() for a in aliases]


def _gemeente_codes(key: str, codes: list[Any]) -> list[Any]:
    for code in codes:
        if not re.fullmatch(r"GM\d{4}", str(code)):
            raise ConfigError(f"instelling {key}: '{code}' is geen CBS-gemeentecode (GMnnnn)")
    return codes


_NOT_NEGATIVE = _rule(lambda v: v >= 0, "mag niet negatief zijn")


def _check_codes(key: str, rows: list[Any]) -> None:
    seen = set()
    for row in rows:
        if not isinstance(row, Mapping) or not {"code", "label"} <= set(row):
            raise ConfigError(f"instelling {key}: elk item heeft minstens 'code' en 'label'")
        if not re.fullmatch(r"[a-z0-9_]+", str(row["code"])):
            raise ConfigError(
                f"instelling {key}: code '{row['code']}' mag alleen a-z, 0-9 en _ bevatten"
            )
        if row["code"] in seen:
            raise ConfigError(f"instelling {key}: code '{row['code']}' komt dubbel voor")
        seen.add(row["code"])


_MEETING_KEYS = {
    "code",
    "label",
    "audience",
    "interval_days",
    "slides",
    "dates",
    "focus_wijk",
    "themes",
}


def _meeting_date(where: str, value: Any) -> date:
    """Parse a past meeting date: a TOML date, or text as jjjj-mm-dd or dd-mm-jjjj."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ConfigError(f"{where}: '{value}' is geen datum (gebruik jjjj-mm-dd)")


def _text_list(where: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} moet een lijst met teksten zijn")
    return list(value)


def _check_meeting(row: Mapping[str, Any], theme_codes: set[str]) -> dict[str, Any]:
    """One meeting type, checked and completed with the defaults of an empty entry."""
    where = f"instelling meetings, overleg '{row['code']}'"
    unknown = sorted(set(row) - _MEETING_KEYS)
    if unknown:
        raise ConfigError(
            f"{where}: onbekende sleutel(s) {', '.join(unknown)}; "
            f"toegestaan: {', '.join(sorted(_MEETING_KEYS))}"
        )
    audience = str(row.get("audience", "beschermd"))
    if audience not in AUDIENCES:
        raise ConfigError(f"{where}: publiek '{audience}' bestaat niet; kies uit {AUDIENCES}")
    interval = row.get("interval_days", 42)
    if isinstance(interval, bool) or not isinstance(interval, int) or not 1 <= interval <= 366:
        raise ConfigError(f"{where}: interval_days moet een geheel getal van 1 tot 366 zijn")
    slides = _text_list(f"{where}: slides", row.get("slides", list(SLIDE_KINDS)))
    if not slides:
        raise ConfigError(f"{where}: de lijst slides is leeg")
    bad = [s for s in slides if s not in SLIDE_KINDS]
    if bad:
        raise ConfigError(
            f"{where}: onbekende dia('s) {', '.join(bad)}; kies uit: {', '.join(SLIDE_KINDS)}"
        )
    doubles = sorted({s for s in slides if slides.count(s) > 1})
    if doubles:
        raise ConfigError(f"{where}: dia('s) {', '.join(doubles)} staan er meer dan eens in")
    raw_dates = row.get("dates", [])
    if not isinstance(raw_dates, list):
        raise ConfigError(f"{where}: dates moet een lijst met datums zijn")
    dates = sorted({_meeting_date(f"{where}: dates", d) for d in raw_dates})
    focus = str(row.get("focus_wijk", "") or "").strip()
    if focus and not re.fullmatch(r"WK\d{4}[0-9A-Za-z]{2}", focus):
        raise ConfigError(f"{where}: focus_wijk '{focus}' is geen CBS-wijkcode (WKnnnnnn)")
    themes = _text_list(f"{where}: themes", row.get("themes", []))
    unknown_themes = [t for t in themes if t not in theme_codes]
    if unknown_themes:
        raise ConfigError(f"{where}: onbekend(e) thema('s) {', '.join(unknown_themes)}")
    if len(themes) > MAX_MEETING_THEMES:
        raise ConfigError(f"{where}: hoogstens {MAX_MEETING_THEMES} hoofdthema's")
    return {
        "code": str(row["code"]),
        "label": str(row["label"]),
        "audience": audience,
        "interval_days": interval,
        "slides": slides,
        "dates": dates,
        "focus_wijk": focus,
        "themes": list(dict.fromkeys(themes)),
    }


# --- forwarding (issue 14, "Nieuw sinds") --------------------------------------------------
_FORWARDING_KEYS = {"code", "label", "themes"}


def _check_forwarding(
    rows: Any, theme_codes: set[str], *, configured: bool = True
) -> list[dict[str, Any]]:
    """Check the ``forwarding`` setting: per partner its code, label and the themes it gets.

    Codes are unique, ``niet_doorgezet`` is taken (the group of themes no partner receives),
    every theme is a configured theme code; a partner may receive no theme at all. The
    built-in default (``configured`` False) keeps only the themes that are configured: a
    municipality with its own theme list is not refused for a list it never wrote.
    """
    if not isinstance(rows, list):
        raise ConfigError("instelling forwarding moet een lijst zijn ([[forwarding]])")
    _check_codes("forwarding", rows)
    out = []
    for row in rows:
        where = f"instelling forwarding, partner '{row['code']}'"
        unknown = sorted(set(row) - _FORWARDING_KEYS)
        if unknown:
            raise ConfigError(
                f"{where}: onbekende sleutel(s) {', '.join(unknown)}; "
                f"toegestaan: {', '.join(sorted(_FORWARDING_KEYS))}"
            )
        if row["code"] == NOT_FORWARDED:
            raise ConfigError(f"{where}: de code '{NOT_FORWARDED}' is gereserveerd")
        themes = _text_list(f"{where}: themes", row.get("themes", []))
        if not configured:
            themes = [t for t in themes if t in theme_codes]
        bad = [t for t in themes if t not in theme_codes]
        if bad:
            raise ConfigError(f"{where}: onbekend(e) thema('s) {', '.join(bad)}")
        out.append(
            {
                "code": str(row["code"]),
                "label": str(row["label"]),
                "themes": list(dict.fromkeys(themes)),
            }
        )
    return out
