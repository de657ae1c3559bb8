"""The code lists, slide kinds and meeting cycle that the defaults of ``oovgeo.config`` hold.

Other modules read these instead of writing the codes again: the demo draws its themes,
sources, partners and outcomes from the ``DEFAULT_*`` lists here, the pack registry checks
its builders against ``SLIDE_KINDS``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    """One entry of a configured code list: a stable code, a Dutch label and a colour.

    ``aliases`` are other names exports use for the same thing ("MOR", "Meldpunt"); an import
    matches code, label and aliases ignoring case, accents, punctuation and spacing.
    """

    code: str
    label: str
    colour: str = "#777777"
    aliases: tuple[str, ...] = ()


def normalise_label(text: str) -> str:
    """Return the form labels are matched in: no case, accents, punctuation or spacing.

    >>> normalise_label("Meldpunt-Overlast ") == normalise_label("meldpunt overlast")
    True
    """
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "", plain)


# The code an unmapped source, partner or outcome label is stored as (with a warning that
# names the label): a label nobody mapped yet is no reason to drop a signal from the analysis.
UNKNOWN = "onbekend"
UNKNOWN_LABEL = "Onbekend (niet gekoppeld)"


def _codes(*rows: tuple) -> list[dict[str, object]]:
    """Rows (code, label, colour, *aliases) as the settings' list of dicts."""
    return [
        {"code": c, "label": label, "colour": colour, "aliases": list(aliases)}
        for c, label, colour, *aliases in rows
    ]


# Defaults: the IVP themes of the domain note (colours chosen to stay apart in grey print too).
DEFAULT_THEMES = _codes(
    ("ondermijning", "Ondermijning", "#7b3294", "Ondermijnende criminaliteit"),
    ("woonoverlast", "Woonoverlast", "#e66101", "Overlast woning", "Overlast in en om de woning"),
    ("zorg_veiligheid", "Zorg en veiligheid", "#1b9e77", "Zorg & veiligheid", "Verward gedrag"),
    (
        "digitale_veiligheid",
        "Digitale veiligheid",
        "#386cb0",
        "Cybercrime",
        "Gedigitaliseerde criminaliteit",
    ),
    ("arbeidsmigranten", "Arbeidsmigranten", "#b2182b", "Huisvesting arbeidsmigranten"),
    ("mensenhandel", "Mensenhandel", "#4d4d4d", "Uitbuiting", "Mensenhandel en uitbuiting"),
    ("brandveiligheid", "(Brand)veiligheid kwetsbare bewoners", "#fdb863", "Brandveiligheid"),
    ("radicalisering", "Radicalisering", "#5e3c99", "Polarisatie en radicalisering"),
    ("woninginbraak", "Woninginbraak", "#2166ac", "Inbraak woning", "Inbraak"),
    ("jeugdoverlast", "Jeugdoverlast", "#a6611a", "Jongerenoverlast", "Overlast jeugd"),
)
DEFAULT_SOURCES = _codes(
    ("meld_een_vermoeden", "Meld een Vermoeden", "#7b3294", "MeV", "Meldpunt Meld een Vermoeden"),
    (
        "meldpunt_overlast",
        "Meldpunt overlast (MOR)",
        "#e66101",
        "MOR",
        "Meldpunt",
        "Meldpunt overlast",
        "Melding openbare ruimte",
        "Telefoon 14010",
    ),
    ("politie", "Politie", "#2166ac"),
    ("boa", "BOA (handhaving)", "#1b9e77", "BOA", "Handhaving", "Handhaver", "Stadstoezicht"),
    ("wijkagent", "Wijkagent", "#386cb0"),
    ("woningcorporatie", "Woningcorporatie", "#a6611a", "Corporatie"),
    ("zorgpartner", "Zorgpartner", "#5e3c99", "Zorg", "Wijkteam", "Sociaal wijkteam"),
    ("riec", "RIEC", "#4d4d4d"),
)
DEFAULT_PARTNERS = _codes(
    ("politie", "Politie", "#2166ac"),
    ("belastingdienst", "Belastingdienst", "#4d4d4d", "BD"),
    ("omgevingsdienst", "Omgevingsdienst", "#1b9e77", "OD", "DCMR"),
    (
        "arbeidsinspectie",
        "Nederlandse Arbeidsinspectie",
        "#b2182b",
        "NLA",
        "Arbeidsinspectie",
        "Inspectie SZW",
    ),
    ("brandweer", "Brandweer", "#e66101", "Veiligheidsregio"),
    ("woningcorporatie", "Woningcorporatie", "#a6611a", "Corporatie"),
    ("handhaving", "Gemeentelijke handhaving", "#7b3294", "Handhaving", "BOA"),
)
DEFAULT_OUTCOMES = _codes(
    ("geen_bevindingen", "Geen bevindingen", "#999999", "Geen bijzonderheden"),
    ("waarschuwing", "Waarschuwing", "#fdb863"),
    ("bestuurlijke_boete", "Bestuurlijke boete", "#e66101", "Boete"),
    ("last_onder_dwangsom", "Last onder dwangsom", "#b2182b", "LOD", "Dwangsom"),
    ("sluiting", "Sluiting (o.a. art. 13b Opiumwet)", "#4d4d4d", "Sluiting", "Sluiting pand"),
    ("bibob", "Bibob-vervolg", "#7b3294", "Bibob", "Bibob-onderzoek"),
    ("zorg_doorverwijzing", "Doorverwijzing naar zorg", "#1b9e77", "Doorverwezen naar zorg"),
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


# --- forwarding (issue 14, "Nieuw sinds") --------------------------------------------------
# Which partner the reporting point forwards a new signal to, by its theme (setting
# ``forwarding``). Defaults from the domain note: the police takes crime and security
# (ondermijning, mensenhandel, radicalisering, woninginbraak, digitale veiligheid) and, with
# the wijkagent, jeugdoverlast; youth work takes jeugdoverlast; the Zorg- en Veiligheidsteam
# takes the care-and-safety themes (zorg en veiligheid, woonoverlast, brandveiligheid of less
# self-reliant residents) and mensenhandel for the victims. Arbeidsmigranten (overcrowded
# housing, exploitation) stays with the municipality's own intervention team, which takes it
# to the integral meeting with the Arbeidsinspectie: it lands in "niet doorgezet".
NOT_FORWARDED = "niet_doorgezet"  # the group of signals whose theme no partner receives
NOT_FORWARDED_LABEL = "Niet doorgezet"
DEFAULT_FORWARDING: list[dict[str, object]] = [
    {
        "code": "politie",
        "label": "Politie",
        "themes": [
            "ondermijning",
            "mensenhandel",
            "radicalisering",
            "woninginbraak",
            "digitale_veiligheid",
            "jeugdoverlast",
        ],
    },
    {"code": "jongerenwerk", "label": "Jongerenwerk", "themes": ["jeugdoverlast"]},
    {
        "code": "zorgteam",
        "label": "Zorg- en veiligheidsteam",
        "themes": ["zorg_veiligheid", "woonoverlast", "brandveiligheid", "mensenhandel"],
    },
]
