"""Settings: one declarative table, read from a TOML file and ``OOVGEO_*`` environment variables.

Precedence, lowest to highest: the defaults below, the TOML file, environment variables.
The TOML file is ``$OOVGEO_CONFIG`` if set, else ``$OOVGEO_HOME/oovgeo.toml`` when it exists.
Every scalar setting ``section.key`` can be overridden by ``OOVGEO_SECTION_KEY``; lists of
codes (themes, sources, partners, outcomes) only from the TOML file.

Every setting in ``SETTINGS`` must be documented in README.md (a test checks that).

Example
-------
>>> s = load_settings(env={"OOVGEO_HOME": "/tmp/x"}, config_file=None)
>>> s.get("privacy.suppression_threshold")
5
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

# A setting's validator: gets the key and the coerced value, returns the value to keep
# (possibly normalised) or raises ConfigError with a Dutch message.
Check = Callable[[str, Any], Any]


@dataclass(frozen=True)
class Setting:
    """One setting: its key, default, English doc line and optional validator."""

    key: str
    default: Any
    doc: str
    check: Check | None = None


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


def _code_list(key: str, rows: list[Any]) -> list[dict[str, str]]:
    """Return a list of {code, label, colour}: valid unique codes, colour defaulted."""
    _check_codes(key, rows)
    return [
        {"code": r["code"], "label": r["label"], "colour": r.get("colour", "#777777")} for r in rows
    ]


def _gemeente_codes(key: str, codes: list[Any]) -> list[Any]:
    for code in codes:
        if not re.fullmatch(r"GM\d{4}", str(code)):
            raise ConfigError(f"instelling {key}: '{code}' is geen CBS-gemeentecode (GMnnnn)")
    return codes


_NOT_NEGATIVE = _rule(lambda v: v >= 0, "mag niet negatief zijn")


@dataclass(frozen=True)
class Code:
    """One entry of a configured code list: a stable code, a Dutch label and a colour."""

    code: str
    label: str
    colour: str = "#777777"


def _codes(*rows: tuple[str, str, str]) -> list[dict[str, str]]:
    return [{"code": c, "label": label, "colour": colour} for c, label, colour in rows]


# Defaults: the IVP themes of the domain note (colours chosen to stay apart in grey print too).
DEFAULT_THEMES = _codes(
    ("ondermijning", "Ondermijning", "#7b3294"),
    ("woonoverlast", "Woonoverlast", "#e66101"),
    ("zorg_veiligheid", "Zorg en veiligheid", "#1b9e77"),
    ("digitale_veiligheid", "Digitale veiligheid", "#386cb0"),
    ("arbeidsmigranten", "Arbeidsmigranten", "#b2182b"),
    ("mensenhandel", "Mensenhandel", "#4d4d4d"),
    ("brandveiligheid", "(Brand)veiligheid kwetsbare bewoners", "#fdb863"),
    ("radicalisering", "Radicalisering", "#5e3c99"),
    ("woninginbraak", "Woninginbraak", "#2166ac"),
    ("jeugdoverlast", "Jeugdoverlast", "#a6611a"),
)
DEFAULT_SOURCES = _codes(
    ("meld_een_vermoeden", "Meld een Vermoeden", "#7b3294"),
    ("meldpunt_overlast", "Meldpunt overlast (MOR)", "#e66101"),
    ("politie", "Politie", "#2166ac"),
    ("boa", "BOA (handhaving)", "#1b9e77"),
    ("wijkagent", "Wijkagent", "#386cb0"),
    ("woningcorporatie", "Woningcorporatie", "#a6611a"),
    ("zorgpartner", "Zorgpartner", "#5e3c99"),
    ("riec", "RIEC", "#4d4d4d"),
)
DEFAULT_PARTNERS = _codes(
    ("politie", "Politie", "#2166ac"),
    ("belastingdienst", "Belastingdienst", "#4d4d4d"),
    ("omgevingsdienst", "Omgevingsdienst", "#1b9e77"),
    ("arbeidsinspectie", "Nederlandse Arbeidsinspectie", "#b2182b"),
    ("brandweer", "Brandweer", "#e66101"),
    ("woningcorporatie", "Woningcorporatie", "#a6611a"),
    ("handhaving", "Gemeentelijke handhaving", "#7b3294"),
)
DEFAULT_OUTCOMES = _codes(
    ("geen_bevindingen", "Geen bevindingen", "#999999"),
    ("waarschuwing", "Waarschuwing", "#fdb863"),
    ("bestuurlijke_boete", "Bestuurlijke boete", "#e66101"),
    ("last_onder_dwangsom", "Last onder dwangsom", "#b2182b"),
    ("sluiting", "Sluiting (o.a. art. 13b Opiumwet)", "#4d4d4d"),
    ("bibob", "Bibob-vervolg", "#7b3294"),
    ("zorg_doorverwijzing", "Doorverwijzing naar zorg", "#1b9e77"),
)

# Slide kinds of a meeting pack, in their usual order: the one list of codes; the registry
# ``oovgeo.report.pack.slides.REGISTRY`` has one builder per code and checks this at import.
SLIDE_KINDS = (
    "titel",
    "kaart_themas",
    "veranderingen",
    "trends",
    "wijk_focus",
    "interventies",
    "afspraken",
    "verantwoording",
)
# Who sees a pack: 'beschermd' (partners: aggregates only, the agreed actions counted per wijk
# and status) or 'intern' (the OOV team: the agreed actions listed, without addresses).
# Small counts are hidden for both: slides leave the building.
AUDIENCES = ("beschermd", "intern")
MAX_MEETING_THEMES = 4  # panels on the map of the main themes


def _meeting(
    code: str, label: str, interval_days: int, slides: tuple[str, ...]
) -> dict[str, object]:
    return {
        "code": code,
        "label": label,
        "audience": "beschermd",
        "interval_days": interval_days,
        "slides": list(slides),
        "dates": [],
        "focus_wijk": "",
        "themes": [],
    }


# The meeting cycle of the domain note: the integral meeting every 6 weeks, the two-weekly
# follow-up, and the police meeting every 8 weeks.
DEFAULT_MEETINGS = [
    _meeting("integraal", "Integraal overleg", 42, SLIDE_KINDS),
    _meeting(
        "opvolging",
        "Tweewekelijks opvolgoverleg",
        14,
        ("titel", "veranderingen", "interventies", "afspraken", "verantwoording"),
    ),
    _meeting(
        "politie",
        "Overleg met de politie",
        56,
        ("titel", "kaart_themas", "trends", "veranderingen", "wijk_focus", "verantwoording"),
    ),
]

SETTINGS: tuple[Setting, ...] = (
    Setting("home", "data", "Data folder (database, uploads, caches); env OOVGEO_HOME."),
    Setting(
        "database_url",
        "",
        "SQLAlchemy URL; empty means SQLite at HOME/oovgeo.db; env OOVGEO_DATABASE_URL.",
    ),
    Setting(
        "gemeenten",
        ["GM0622"],
        "CBS codes of the municipality (or municipalities).",
        check=_gemeente_codes,
    ),
    Setting("boundaries.edition", 0, "Boundary edition (year) in use; 0 = newest loaded."),
    Setting(
        "boundaries.tolerance_m",
        200.0,
        "Points up to this many metres outside every area go to the nearest area.",
        check=_NOT_NEGATIVE,
    ),
    Setting(
        "boundaries.pdok_url",
        "https://api.pdok.nl/cbs/wijken-en-buurten-{year}/ogc/v1",
        "Base URL of the PDOK OGC API for `boundaries fetch`.",
    ),
    Setting(
        "themes", DEFAULT_THEMES, "Theme taxonomy: list of {code, label, colour}.", check=_code_list
    ),
    Setting(
        "sources",
        DEFAULT_SOURCES,
        "Signal sources: list of {code, label, colour}.",
        check=_code_list,
    ),
    Setting(
        "partners",
        DEFAULT_PARTNERS,
        "Intervention partners: list of {code, label, colour}.",
        check=_code_list,
    ),
    Setting(
        "outcomes",
        DEFAULT_OUTCOMES,
        "Intervention outcomes: list of {code, label, colour}.",
        check=_code_list,
    ),
    Setting(
        "privacy.suppression_threshold",
        5,
        "Counts below this show as '<k' to protected roles.",
        check=_rule(lambda v: v >= 1, "moet minstens 1 zijn"),
    ),
    Setting("privacy.min_inhabitants", 50, "Rates are hidden for areas with fewer inhabitants."),
    Setting("retention.signals_months", 60, "Keep signals this many months after their date."),
    Setting(
        "retention.interventions_months",
        84,
        "Keep interventions this many months after their date.",
    ),
    Setting("retention.quarantine_days", 90, "Keep rejected import rows this many days."),
    Setting("import.max_file_mb", 25, "Largest accepted import file in MB."),
    Setting("import.max_rows", 1_000_000, "Most rows accepted in one import file."),
    Setting("import.profiles_file", "", "Extra column-profile TOML; empty = HOME/profiles.toml."),
    Setting("geocoder.enabled", False, "Geocode addresses with the PDOK Locatieserver (online)."),
    Setting(
        "geocoder.url",
        "https://api.pdok.nl/bzk/locatieserver/search/v3_1/free",
        "PDOK Locatieserver endpoint.",
    ),
    Setting(
        "maps.assets",
        "local",
        "'local' serves Leaflet from this server; 'cdn' from CDNs.",
        check=_rule(lambda v: v in {"local", "cdn"}, "moet 'local' of 'cdn' zijn"),
    ),
    Setting("maps.basemap", "grijs", "Default basemap: grijs, standaard, luchtfoto, osm, geen."),
    Setting("maps.heat_bandwidth_m", 200.0, "Bandwidth (sigma) of the heat layer's kernel, m."),
    Setting("maps.heat_cell_m", 50.0, "Cell size of the heat layer's grid, m."),
    Setting(
        "targets.weight_signal",
        1.0,
        "Score weight of each signal (decayed by recency).",
        check=_rule(lambda v: v >= 0, ": gewicht 'signal' mag niet negatief zijn"),
    ),
    Setting(
        "targets.weight_source",
        2.0,
        "Score weight of each distinct source of a place.",
        check=_rule(lambda v: v >= 0, ": gewicht 'source' mag niet negatief zijn"),
    ),
    Setting(
        "targets.weight_theme",
        1.0,
        "Score weight of each distinct theme of a place.",
        check=_rule(lambda v: v >= 0, ": gewicht 'theme' mag niet negatief zijn"),
    ),
    Setting(
        "targets.half_life_days",
        90.0,
        "A signal weighs half after this many days.",
        check=_rule(lambda v: v > 0, ": de halveringstijd moet groter dan 0 dagen zijn"),
    ),
    Setting(
        "targets.theme_weights",
        {},
        "Factor per theme code, e.g. {ondermijning = 1.5}.",
        check=_non_negative_factors,
    ),
    Setting(
        "targets.intervention_months",
        12,
        "An intervention this recent lowers the score.",
        check=_rule(lambda v: v >= 1, ": de interventieperiode moet minstens 1 maand zijn"),
    ),
    Setting(
        "targets.intervention_factor",
        0.5,
        "Score factor after a recent intervention.",
        check=_rule(lambda v: 0 <= v <= 1, ": de interventiefactor moet tussen 0 en 1 liggen"),
    ),
    Setting(
        "targets.distance_m",
        50.0,
        "Signals without an address join a place this close.",
        check=_rule(lambda v: v >= 1, ": de groeperingsafstand moet minstens 1 meter zijn"),
    ),
    Setting(
        "meetings",
        DEFAULT_MEETINGS,
        "Meeting types for packs: list of {code, label, audience, interval_days, slides, "
        "dates, focus_wijk, themes}.",
    ),
    Setting("demo.seed", 42, "Seed of the synthetic demo data set."),
    Setting("demo.auto", True, "Build the demo data set on first start with an empty store."),
    Setting(
        "auth.mode",
        "local",
        "'local' accounts or 'oidc' (OpenID Connect via st.login).",
        check=_rule(lambda v: v in {"local", "oidc"}, "moet 'local' of 'oidc' zijn"),
    ),
    Setting("auth.session_hours", 8.0, "A login expires after this many hours."),
    Setting("auth.oidc_roles_claim", "groups", "OIDC claim that holds the user's groups."),
    Setting(
        "auth.oidc_role_map", {}, "OIDC group -> oovgeo role, e.g. {oov-beheer = 'beheerder'}."
    ),
)

_BY_KEY = {s.key: s for s in SETTINGS}


def default(key: str) -> Any:
    """Return the built-in default of setting ``key`` (the one place defaults are written).

    >>> default("privacy.min_inhabitants")
    50
    """
    return _BY_KEY[key].default


# Set in the TOML file only (lists and tables do not fit an environment variable).
TOML_ONLY = {
    "gemeenten",
    "themes",
    "sources",
    "partners",
    "outcomes",
    "auth.oidc_role_map",
    "targets.theme_weights",
    "meetings",
}


class ConfigError(ValueError):
    """A setting is missing, of the wrong type or inconsistent (message in Dutch)."""


def env_name(key: str) -> str:
    """``privacy.suppression_threshold`` -> ``OOVGEO_PRIVACY_SUPPRESSION_THRESHOLD``."""
    return "OOVGEO_" + re.sub(r"[^A-Za-z0-9]", "_", key).upper()


@dataclass(frozen=True)
class Settings:
    """Resolved settings; read with ``get(key)`` or the typed helpers."""

    values: Mapping[str, Any]
    config_file: Path | None = None
    errors: tuple[str, ...] = field(default=())

    def get(self, key: str) -> Any:
        """Return the resolved value of setting ``key``."""
        return self.values[key]

    @property
    def suppression_threshold(self) -> int:
        """*k*: counts below it are hidden from protected audiences."""
        return int(self.values["privacy.suppression_threshold"])

    @property
    def min_inhabitants(self) -> int:
        """Rates of areas with fewer inhabitants are hidden from everybody."""
        return int(self.values["privacy.min_inhabitants"])

    @property
    def auth_mode(self) -> str:
        """``local`` accounts or ``oidc``."""
        return str(self.values["auth.mode"])

    @property
    def session_hours(self) -> float:
        """A login expires after this many hours."""
        return float(self.values["auth.session_hours"])

    @property
    def oidc_role_map(self) -> dict[str, str]:
        """OIDC group -> role (checked by ``access.check_role_map``, not here)."""
        return dict(self.values["auth.oidc_role_map"])

    @property
    def home(self) -> Path:
        """Return the home folder as an absolute path."""
        return Path(self.values["home"]).expanduser().resolve()

    @property
    def database_url(self) -> str:
        """Return the database URL; default: SQLite ``oovgeo.db`` in the home folder."""
        url = self.values["database_url"]
        return url or f"sqlite:///{self.home / 'oovgeo.db'}"

    @property
    def gemeenten(self) -> list[str]:
        """Return the configured municipality codes."""
        return list(self.values["gemeenten"])

    def codes(self, kind: str) -> list[Code]:
        """Return a configured code list: ``themes``, ``sources``, ``partners`` or ``outcomes``."""
        return [Code(**row) for row in self.values[kind]]

    def labels(self, kind: str) -> dict[str, str]:
        """Return the labels of a configured code list by code."""
        return {c.code: c.label for c in self.codes(kind)}


def _coerce(key: str, value: Any) -> Any:
    default = _BY_KEY[key].default
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in {"1", "true", "ja", "yes", "on"}:
            return True
        if text in {"0", "false", "nee", "no", "off", ""}:
            return False
        raise ConfigError(f"instelling {key}: '{value}' is geen ja/nee-waarde")
    if isinstance(default, int):
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ConfigError(f"instelling {key}: '{value}' is geen geheel getal") from None
    if isinstance(default, float):
        try:
            return _decimal(value)
        except (TypeError, ValueError):
            raise ConfigError(f"instelling {key}: '{value}' is geen getal") from None
    if isinstance(default, list):
        if not isinstance(value, list):
            raise ConfigError(f"instelling {key} moet een lijst zijn")
        return value
    if isinstance(default, dict):
        if not isinstance(value, Mapping):
            raise ConfigError(f"instelling {key} moet een tabel zijn")
        return {str(k): str(v) for k, v in value.items()}
    return str(value)


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for name, value in data.items():
        key = f"{prefix}{name}"
        if isinstance(value, Mapping) and key not in _BY_KEY:
            flat.update(_flatten(value, key + "."))
        else:
            flat[key] = value
    return flat


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


def _check(values: dict[str, Any]) -> None:
    """Run every setting's validator, then the checks that span settings (meetings)."""
    for setting in SETTINGS:
        if setting.check is not None:
            values[setting.key] = setting.check(setting.key, values[setting.key])
    _check_codes("meetings", values["meetings"])
    theme_codes = {r["code"] for r in values["themes"]}
    values["meetings"] = [_check_meeting(r, theme_codes) for r in values["meetings"]]


def load_settings(
    env: Mapping[str, str] | None = None, config_file: Path | str | None | bool = True
) -> Settings:
    """Resolve settings from defaults, the TOML file and the environment.

    Parameters
    ----------
    env
        Environment to read (default ``os.environ``); tests pass a dict.
    config_file
        ``True`` finds the file as described in the module docstring; a path reads that
        file; ``None``/``False`` reads none.
    """
    env = os.environ if env is None else env
    values: dict[str, Any] = {s.key: s.default for s in SETTINGS}
    if "OOVGEO_HOME" in env:
        values["home"] = env["OOVGEO_HOME"]

    path: Path | None = None
    if config_file is True:
        if env.get("OOVGEO_CONFIG"):
            path = Path(env["OOVGEO_CONFIG"])
        elif (Path(values["home"]) / "oovgeo.toml").exists():
            path = Path(values["home"]) / "oovgeo.toml"
    elif config_file:
        path = Path(config_file)
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"configuratiebestand {path} bestaat niet") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"configuratiebestand {path} is geen geldige TOML: {exc}") from None
        for key, value in _flatten(data).items():
            if key not in _BY_KEY:
                raise ConfigError(f"onbekende instelling '{key}' in {path}")
            values[key] = _coerce(key, value)

    for key in _BY_KEY:
        if key in TOML_ONLY:
            continue
        name = env_name(key)
        if name in env:
            values[key] = _coerce(key, env[name])
    if "OOVGEO_GEMEENTEN" in env:
        values["gemeenten"] = [c.strip() for c in env["OOVGEO_GEMEENTEN"].split(",") if c.strip()]
    _check(values)
    return Settings(values=values, config_file=path)
