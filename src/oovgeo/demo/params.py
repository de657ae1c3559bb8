"""The knobs of the simulation: codes, columns, weights, shares, distances and periods."""

from __future__ import annotations

from oovgeo import areas as areas_model
from oovgeo import config
from oovgeo.ingest.profiles import FIELDS

# The codes the demo draws: exactly the configured defaults, in their order (config.codes).
THEMES = tuple(row["code"] for row in config.DEFAULT_THEMES)
SOURCES = tuple(row["code"] for row in config.DEFAULT_SOURCES)
PARTNERS = tuple(row["code"] for row in config.DEFAULT_PARTNERS)
OUTCOMES = tuple(row["code"] for row in config.DEFAULT_OUTCOMES)

AREA_COLUMNS = list(areas_model.AREA_COLUMNS)
# The demo writes the "generiek" import profile's fields, in that order; a demo record is
# never changed after it was made, so it has no change date ("gewijzigd").
SIGNAL_COLUMNS = [f for f in FIELDS["signals"] if f != "gewijzigd"]
# the demo has no shortlist, so no intervention is linked to an item
INTERVENTION_COLUMNS = [
    f for f in FIELDS["interventions"] if f not in ("shortlist_id", "gewijzigd")
]
HOTSPOT_COLUMNS = ["kind", "name", "thema", "buurtcode", "geometry"]

# --- signals -------------------------------------------------------------------------------
# Share of each theme in the background (sums to 1).
THEME_WEIGHTS = {
    "woonoverlast": 0.24,
    "jeugdoverlast": 0.22,
    "zorg_veiligheid": 0.14,
    "woninginbraak": 0.10,
    "ondermijning": 0.09,
    "arbeidsmigranten": 0.07,
    "digitale_veiligheid": 0.06,
    "brandveiligheid": 0.04,
    "mensenhandel": 0.03,
    "radicalisering": 0.01,
}
SOURCE_WEIGHTS = {
    "ondermijning": {
        "meld_een_vermoeden": 0.30,
        "politie": 0.30,
        "riec": 0.15,
        "boa": 0.15,
        "wijkagent": 0.10,
    },
    "woonoverlast": {
        "meldpunt_overlast": 0.45,
        "woningcorporatie": 0.30,
        "wijkagent": 0.10,
        "politie": 0.10,
        "boa": 0.05,
    },
    "zorg_veiligheid": {
        "zorgpartner": 0.40,
        "politie": 0.25,
        "wijkagent": 0.20,
        "woningcorporatie": 0.10,
        "meldpunt_overlast": 0.05,
    },
    "digitale_veiligheid": {"politie": 0.70, "meldpunt_overlast": 0.15, "wijkagent": 0.15},
    "arbeidsmigranten": {
        "meldpunt_overlast": 0.35,
        "boa": 0.25,
        "woningcorporatie": 0.15,
        "meld_een_vermoeden": 0.15,
        "politie": 0.10,
    },
    "mensenhandel": {
        "politie": 0.45,
        "riec": 0.25,
        "meld_een_vermoeden": 0.20,
        "zorgpartner": 0.10,
    },
    "brandveiligheid": {
        "boa": 0.30,
        "woningcorporatie": 0.30,
        "meldpunt_overlast": 0.25,
        "zorgpartner": 0.15,
    },
    "radicalisering": {"politie": 0.50, "zorgpartner": 0.25, "wijkagent": 0.25},
    "woninginbraak": {"politie": 0.80, "wijkagent": 0.20},
    "jeugdoverlast": {
        "meldpunt_overlast": 0.45,
        "politie": 0.25,
        "boa": 0.20,
        "wijkagent": 0.10,
    },
}
BUSINESS_PARK_SOURCES = {"meld_een_vermoeden": 0.50, "riec": 0.25, "politie": 0.15, "boa": 0.10}
BUSINESS_PARK_THEMES = {"ondermijning": 0.75, "mensenhandel": 0.25}
BUSINESS_PARK_KEYWORDS = ("bedrijventerrein", "industrie", "haven")
BUSINESS_PARK_SHARE = 0.04
PARK_SPREAD_M = 50.0  # standard deviation around each premises
PARK_CLUSTER_RADIUS_M = 100.0  # planted hotspot geometry: 2 standard deviations
ANONYMOUS_SHARE = 0.40  # of meld_een_vermoeden signals; no other source is anonymous

STREET_THEMES = ("woonoverlast", "arbeidsmigranten", "jeugdoverlast")
STREET_NAMES = ("Voorbeeldstraat", "Proefweg", "Oefenkade")
STREET_SHARE = 0.04  # of all signals, per street
STREET_MAIN_THEME_SHARE = 0.8
STREET_JITTER_M = 15.0
STREET_LENGTH_M = (300.0, 600.0)
BACKGROUND_STREETS = (
    "Fictiestraat",
    "Testlaan",
    "Schetsplein",
    "Modelweg",
    "Denkbeeldsingel",
    "Droomgaardstraat",
    "Nergensweg",
    "Verzonnenlaan",
    "Zomaarstraat",
    "Steekproefstraat",
    "Kladbloklaan",
    "Concepthof",
    "Ontwerpstraat",
    "Prototypeweg",
    "Schijnhof",
    "Bedachtkade",
)

# Seasonality: (amplitude, day of year of the peak).
SEASONS = {
    "jeugdoverlast": (0.5, 196),
    "woonoverlast": (0.25, 196),
    "woninginbraak": (0.35, 355),
}
WEEKEND_FACTOR = 0.7
TREND_THEME = "ondermijning"
TREND_FACTOR = 1.5
TREND_MONTHS_BEFORE_END = 18

# --- interventions ---------------------------------------------------------------------------
# How likely a signal of each theme leads to a premises inspection.
INTERVENTION_THEME_WEIGHTS = {
    "ondermijning": 3.0,
    "arbeidsmigranten": 3.0,
    "mensenhandel": 3.0,
    "woonoverlast": 2.0,
    "brandveiligheid": 2.0,
    "zorg_veiligheid": 1.0,
    "jeugdoverlast": 0.5,
}
PARTNER_CHANCES = {
    "ondermijning": {
        "politie": 0.9,
        "belastingdienst": 0.6,
        "omgevingsdienst": 0.3,
        "brandweer": 0.2,
        "handhaving": 0.8,
    },
    "mensenhandel": {
        "politie": 0.95,
        "belastingdienst": 0.2,
        "arbeidsinspectie": 0.7,
        "handhaving": 0.5,
    },
    "arbeidsmigranten": {
        "belastingdienst": 0.2,
        "arbeidsinspectie": 0.7,
        "brandweer": 0.5,
        "woningcorporatie": 0.3,
        "handhaving": 0.9,
    },
    "woonoverlast": {"politie": 0.4, "woningcorporatie": 0.7, "handhaving": 0.9},
    "brandveiligheid": {"omgevingsdienst": 0.5, "brandweer": 0.95, "handhaving": 0.6},
    "zorg_veiligheid": {"politie": 0.5, "woningcorporatie": 0.5, "handhaving": 0.5},
    "jeugdoverlast": {"politie": 0.8, "handhaving": 0.8},
}
# Outcome frequencies per theme, in the order of OUTCOMES.
OUTCOME_WEIGHTS = {
    "default": (0.35, 0.25, 0.12, 0.12, 0.03, 0.03, 0.10),
    "ondermijning": (0.35, 0.15, 0.15, 0.12, 0.10, 0.12, 0.01),
    "mensenhandel": (0.40, 0.10, 0.10, 0.08, 0.12, 0.10, 0.10),
    "woonoverlast": (0.30, 0.30, 0.08, 0.12, 0.02, 0.00, 0.18),
    "zorg_veiligheid": (0.30, 0.30, 0.05, 0.05, 0.02, 0.00, 0.28),
}
MEASURES = {
    "geen_bevindingen": "",
    "waarschuwing": "schriftelijke waarschuwing",
    "bestuurlijke_boete": "bestuurlijke boete",
    "last_onder_dwangsom": "last onder dwangsom",
    "sluiting": "tijdelijke sluiting pand",
    "bibob": "Bibob-onderzoek gestart",
    "zorg_doorverwijzing": "doorverwijzing naar zorgpartner",
}
CLOSURE_ONDERMIJNING = "sluiting pand (art. 13b Opiumwet)"
ACTION_SIZE = (1, 10)  # premises per action day
PREMISE_RADIUS_M = 150.0
ACTION_EXCLUSION_M = 500.0
ACTION_EXCLUSION_DAYS = 270
EFFECT_RADIUS_M = 250.0
EFFECT_DAYS = 182
EFFECT_REMOVAL = 0.55
OVERSAMPLE = 1.5  # signals generated before thinning, relative to n_signals
BURN_IN_DAYS = 365  # simulated before the period, so the thinning is steady from day one
