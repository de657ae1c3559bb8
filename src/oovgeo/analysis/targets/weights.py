"""The weights of the target score: defaults and checks are the ``targets.*`` rows of config.

``config.SETTINGS`` is the one place the defaults and the allowed values are written; a
:class:`Weights` built in code (a slider on the Doelen page, a test) is checked by the same
validators, with the message starting ``doelwitten:`` instead of ``instelling <key>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from oovgeo import config

# The settings behind each weight (Weights.from_settings reads them; absent keys: defaults).
SETTING_KEYS = {
    "signal": "targets.weight_signal",
    "source": "targets.weight_source",
    "theme": "targets.weight_theme",
    "half_life_days": "targets.half_life_days",
    "theme_weights": "targets.theme_weights",
    "intervention_months": "targets.intervention_months",
    "intervention_factor": "targets.intervention_factor",
    "distance_m": "targets.distance_m",
}


def check(key: str, value: Any) -> None:
    """Raise ValueError (Dutch, ``doelwitten: ...``) unless setting ``key`` allows ``value``."""
    try:
        config.check_value(key, value)
    except config.ConfigError as exc:
        message = str(exc).removeprefix(f"instelling {key}").lstrip(" ")
        raise ValueError(f"doelwitten{message}") from None


def _default(name: str) -> Any:
    return config.default(SETTING_KEYS[name])


@dataclass(frozen=True)
class Weights:
    """Weights of the target score (see :mod:`oovgeo.analysis.targets.score` for the formula).

    ``theme_weights`` maps theme codes to a factor (absent themes weigh 1.0), for instance
    ``{"ondermijning": 1.5}``. Defaults: the ``targets.*`` settings of ``config``.
    """

    signal: float = _default("signal")
    source: float = _default("source")
    theme: float = _default("theme")
    half_life_days: float = _default("half_life_days")
    theme_weights: dict[str, float] = field(
        default_factory=lambda: dict(_default("theme_weights")), hash=False
    )
    intervention_months: int = _default("intervention_months")
    intervention_factor: float = _default("intervention_factor")
    distance_m: float = _default("distance_m")

    def __post_init__(self) -> None:
        """Check the weights; raise ValueError (Dutch) for invalid values."""
        for name, key in SETTING_KEYS.items():
            check(key, getattr(self, name))

    @classmethod
    def from_settings(cls, settings: Any) -> Weights:
        """Weights from the optional ``targets.*`` settings (:data:`SETTING_KEYS`).

        ``settings`` is a :class:`oovgeo.config.Settings` or a plain mapping of keys to values;
        absent keys keep their defaults. Values may be strings (as environment variables are).
        """
        values = settings if isinstance(settings, Mapping) else settings.values
        kwargs: dict[str, Any] = {}
        types = {f.name: f.type for f in fields(cls)}
        for name, key in SETTING_KEYS.items():
            raw = values.get(key)
            if raw is None or raw == "":
                continue
            if name == "theme_weights":
                kwargs[name] = {str(k): _number(v) for k, v in dict(raw).items()}
            elif types[name] == "int":
                kwargs[name] = int(_number(raw))
            else:
                kwargs[name] = _number(raw)
        return cls(**kwargs)

    def theme_weight(self, theme: str) -> float:
        """Return the weight of ``theme`` (1.0 when not configured)."""
        return float(self.theme_weights.get(theme, 1.0))


def _number(value: Any) -> float:
    if isinstance(value, str):
        value = value.strip().replace(",", ".")
    return float(value)
