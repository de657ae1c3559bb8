"""Settings: one declarative table, read from a TOML file and ``OOVGEO_*`` environment variables.

Precedence, lowest to highest: the defaults in ``SETTINGS``, the TOML file, environment variables.
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
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from oovgeo.config.checks import (
    _NOT_NEGATIVE,
    Check,
    ConfigError,
    _check_codes,
    _check_forwarding,
    _check_meeting,
    _code_list,
    _dates_per_code,
    _decimal,
    _gemeente_codes,
    _non_negative_factors,
    _rule,
)
from oovgeo.config.codes import (
    AUDIENCES,
    DEFAULT_FORWARDING,
    DEFAULT_MEETINGS,
    DEFAULT_OUTCOMES,
    DEFAULT_PARTNERS,
    DEFAULT_SOURCES,
    DEFAULT_THEMES,
    MAX_MEETING_THEMES,
    SLIDE_KINDS,
    UNKNOWN,
    UNKNOWN_LABEL,
    Code,
)

__all__ = [
    "AUDIENCES",
    "DEFAULT_MEETINGS",
    "DEFAULT_OUTCOMES",
    "DEFAULT_PARTNERS",
    "DEFAULT_SOURCES",
    "DEFAULT_THEMES",
    "MAX_MEETING_THEMES",
    "SETTINGS",
    "SLIDE_KINDS",
    "TOML_ONLY",
    "Check",
    "Code",
    "ConfigError",
    "Setting",
    "Settings",
    "check_value",
    "default",
    "env_name",
    "load_settings",
]


@dataclass(frozen=True)
class Setting:
    """One setting: its key, default, English doc line and optional validator."""

    key: str
    default: Any
    doc: str
    check: Check | None = None


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
        "themes",
        DEFAULT_THEMES,
        "Theme taxonomy: list of {code, label, colour, aliases}.",
        check=_code_list,
    ),
    Setting(
        "sources",
        DEFAULT_SOURCES,
        "Signal sources: list of {code, label, colour, aliases}.",
        check=_code_list,
    ),
    Setting(
        "partners",
        DEFAULT_PARTNERS,
        "Intervention partners: list of {code, label, colour, aliases}.",
        check=_code_list,
    ),
    Setting(
        "outcomes",
        DEFAULT_OUTCOMES,
        "Intervention outcomes: list of {code, label, colour, aliases}.",
        check=_code_list,
    ),
    Setting(
        "privacy.suppression_threshold",
        5,
        "Counts below this show as '<k' to protected roles.",
        check=_rule(lambda v: v >= 1, "moet minstens 1 zijn"),
    ),
    Setting(
        "data.complete_until",
        {},
        "Per source code, the last date its deliveries are complete, e.g. {politie = "
        "2026-11-20}; overrides the latest date in the data (the Gegevens page can too).",
        check=_dates_per_code,
    ),
    Setting(
        "privacy.perturbation_share",
        0.2,
        "Share of records that protected figures count 0 or 2 times instead of once (half "
        "each, fixed per record by its record key); between 0,05 and 0,5.",
        check=_rule(lambda v: 0.05 <= v <= 0.5, "moet tussen 0,05 en 0,5 liggen"),
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
    Setting(
        "import.signalen_crosswalk",
        "",
        "Extra Signalen category/source crosswalk TOML; empty = HOME/signalen_crosswalk.toml.",
    ),
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
    # issue 14, "Nieuw sinds": checked against the themes in _check (_check_forwarding)
    Setting(
        "forwarding",
        DEFAULT_FORWARDING,
        "Partners the reporting point forwards new signals to: list of {code, label, themes}; "
        "a theme no partner receives is 'niet doorgezet'.",
    ),
    Setting(
        "counting.same_address_days",
        0,
        "Reports of one theme at one address within this many days count as one incident "
        "(0 = count every report).",
        check=_rule(
            lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
            ": moet een geheel aantal dagen van 0 of meer zijn",
        ),
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


def check_value(key: str, value: Any) -> None:
    """Raise ``ConfigError`` (Dutch) unless setting ``key`` allows ``value``.

    For values set in code or on screen (a slider), checked by the same rule as the file.
    """
    validator = _BY_KEY[key].check
    if validator is not None:
        validator(key, value)


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
    "data.complete_until",
    "forwarding",
}


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
    def perturbation_share(self) -> float:
        """Share of records that protected figures count 0 or 2 times (P3)."""
        return float(self.values["privacy.perturbation_share"])

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
        return [
            Code(**{**row, "aliases": tuple(row.get("aliases", ()))}) for row in self.values[kind]
        ]

    def labels(self, kind: str) -> dict[str, str]:
        """Return the labels of a configured code list by code.

        Sources, partners and outcomes also label ``onbekend``, the code an import stores for
        a label nobody mapped yet.
        """
        labels = {c.code: c.label for c in self.codes(kind)}
        if kind != "themes":
            labels.setdefault(UNKNOWN, UNKNOWN_LABEL)
        return labels


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


def _check(values: dict[str, Any]) -> None:
    """Run every setting's validator, then the checks that span settings (meetings)."""
    for setting in SETTINGS:
        if setting.check is not None:
            values[setting.key] = setting.check(setting.key, values[setting.key])
    _check_codes("meetings", values["meetings"])
    theme_codes = {r["code"] for r in values["themes"]}
    values["meetings"] = [_check_meeting(r, theme_codes) for r in values["meetings"]]
    forwarding = values["forwarding"]
    values["forwarding"] = _check_forwarding(
        forwarding, theme_codes, configured=forwarding is not DEFAULT_FORWARDING
    )


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
