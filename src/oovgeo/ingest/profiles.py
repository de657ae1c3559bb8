"""Column profiles per source system: which export header feeds which oovgeo field.

The shipped profiles live in ``profiles.toml`` beside this module; a municipality adds its own
in a second TOML file of the same shape (see the comment at the top of ``profiles.toml``).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from oovgeo.config.codes import normalise_label
from oovgeo.ingest.parse import normalise_header

KINDS = ("signals", "interventions")

# The allow-list (P1): the only fields an import ever stores, per kind.
FIELDS: dict[str, tuple[str, ...]] = {
    "signals": (
        "melding_id",
        "datum",
        "thema",
        "bron",
        "x",
        "y",
        "lat",
        "lon",
        "buurtcode",
        "postcode",
        "huisnummer",
        "adres",
        "dossiernummer",
        "anoniem",
        "gewijzigd",
    ),
    "interventions": (
        "interventie_id",
        "datum",
        "thema",
        "x",
        "y",
        "lat",
        "lon",
        "buurtcode",
        "adres",
        "partners",
        "uitkomst",
        "maatregel",
        "shortlist_id",
        "gewijzigd",
    ),
}
ID_FIELD = {"signals": "melding_id", "interventions": "interventie_id"}

# Headers that name personal data or free text (P1). They are never stored (nothing outside
# the allow-list is); the report names them separately so the data steward knows the export
# carries data oovgeo must not hold.
_SENSITIVE = re.compile(
    r"naam|bsn|burgerservice|geboorte|telefoon|tel_?nr|mobiel|e_?mail|mail|melder|"
    r"omschrijving|toelichting|opmerking|notitie|memo|beschrijving|verhaal|tekst|iban"
)

# Fields whose name looks sensitive but which are allowed (e.g. "anoniem" of the reporter).
_ALLOWED_SENSITIVE_LOOKING = {"melder_anoniem", "anoniem"}


class ProfileError(ValueError):
    """A profile file is malformed or a profile does not exist (message in Dutch)."""


@dataclass(frozen=True)
class KindProfile:
    """Accepted headers, value codes and defaults for one kind of file."""

    columns: dict[str, tuple[str, ...]]  # field -> accepted headers (normalised)
    # field -> {normalised label (config.codes.normalise_label): code}
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Profile:
    """A named import profile with its column rules per kind."""

    name: str
    label: str
    system: str
    kinds: dict[str, KindProfile]

    def kind(self, kind: str) -> KindProfile:
        """Return the columns for ``kind``; raise ProfileError when absent."""
        if kind not in self.kinds:
            raise ProfileError(f"profiel '{self.name}' heeft geen kolommen voor {kind}")
        return self.kinds[kind]


def is_sensitive_header(header: str) -> bool:
    """Return True when a header looks like it holds sensitive data."""
    norm = normalise_header(header)
    return norm not in _ALLOWED_SENSITIVE_LOOKING and bool(_SENSITIVE.search(norm))


def _parse_kind(name: str, kind: str, data: dict) -> KindProfile:
    columns: dict[str, tuple[str, ...]] = {}
    for fname, headers in data.items():
        if fname in ("values", "defaults"):
            continue
        if fname not in FIELDS[kind]:
            raise ProfileError(
                f"profiel '{name}' ({kind}): veld '{fname}' bestaat niet; "
                f"toegestaan: {', '.join(FIELDS[kind])}"
            )
        if isinstance(headers, str):
            headers = [headers]
        columns[fname] = tuple(normalise_header(h) for h in headers)
    values = {
        fname: {normalise_label(k): str(v) for k, v in mapping.items()}
        for fname, mapping in data.get("values", {}).items()
    }
    defaults = {k: str(v) for k, v in data.get("defaults", {}).items()}
    return KindProfile(columns=columns, values=values, defaults=defaults)


def parse_profiles(text: str, source: str) -> dict[str, Profile]:
    """Parse profiles from TOML text; raise ProfileError when invalid."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"profielbestand {source} is geen geldige TOML: {exc}") from None
    profiles = {}
    for name, body in data.items():
        if not isinstance(body, dict):
            raise ProfileError(f"profielbestand {source}: '{name}' is geen profiel")
        kinds = {k: _parse_kind(name, k, body[k]) for k in KINDS if k in body}
        if not kinds:
            raise ProfileError(
                f"profiel '{name}' in {source} heeft geen [signals] of [interventions]"
            )
        profiles[name] = Profile(
            name=name,
            label=str(body.get("label", name)),
            system=str(body.get("system", name)),
            kinds=kinds,
        )
    return profiles


def load_profiles(extra_file: Path | None = None) -> dict[str, Profile]:
    """Shipped profiles, overlaid with those of ``extra_file`` when it exists."""
    shipped = resources.files("oovgeo.ingest").joinpath("profiles.toml").read_text("utf-8")
    profiles = parse_profiles(shipped, "profiles.toml")
    if extra_file is not None and extra_file.exists():
        profiles.update(parse_profiles(extra_file.read_text("utf-8"), str(extra_file)))
    return profiles
