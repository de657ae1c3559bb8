"""The rules an imported row is checked against: their Dutch texts and the problem collector.

Every rejection names a field, a rule code from ``RULE_TEXT`` and a masked value; warnings
(``WARNING_TEXT``) are corrections that keep the row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from oovgeo.ingest import parse

# Dutch explanation per rule code, for the report and the quarantine export.
RULE_TEXT = {
    "leeg": "verplicht veld is leeg",
    "geen_getal": "geen getal",
    "geen_datum": "geen geldige datum (verwacht dd-mm-jjjj)",
    "datum_in_toekomst": "datum ligt in de toekomst",
    "datum_te_oud": "datum ligt voor 1990",
    "geen_janee": "geen ja/nee-waarde",
    "onbekend_thema": "onbekend thema",
    "onbekende_bron": "onbekende bron",
    "onbekende_partner": "onbekende partner",
    "onbekende_uitkomst": "onbekende uitkomst",
    "onbekende_gebiedscode": "gebiedscode bestaat niet in de gebiedsindeling",
    "nulcoordinaat": "coördinaat is 0",
    "coordinaat_buiten_nederland": "coördinaat ligt buiten Nederland",
    "onvolledige_coordinaat": "alleen x of alleen y (of lat/lon) ingevuld",
    "buiten_gemeente": "ligt buiten de gemeente (verder dan de tolerantie)",
    "geen_locatie": "geen coördinaten, gebiedscode of te geocoderen adres",
    "adres_niet_gevonden": "adres niet gevonden door de geocoder",
    "geocoder_onbereikbaar": "geocoder niet bereikbaar",
    "te_lang": "waarde is te lang",
    "postcode_ongeldig": "geen geldige postcode (1234AB)",
    "aantal_kolommen": "aantal kolommen in deze rij klopt niet met de kop",
    "dubbel_in_bestand": "zelfde id komt eerder in dit bestand voor met andere gegevens",
    "onbekend_shortlist_item": "dit nummer staat niet op de shortlist",
}
WARNING_TEXT = {
    "assen_verwisseld": "x en y (of lat en lon) verwisseld; gecorrigeerd",
    "wgs84_in_xy": "graden (WGS84) in de x/y-kolommen; omgerekend",
    "rd_in_latlon": "RD-meters in de lat/lon-kolommen; overgenomen",
    "nabij": "net buiten de grenzen; aan het dichtstbijzijnde gebied toegekend",
    "id_afgeleid": "geen id in het bestand; id afgeleid uit de inhoud",
}

# The rule of a coded field whose label maps to no code (only themes are rejected for it: see
# ``validate._coded``); the label of such a rejection is kept unmasked, so that mapping it on
# the Gegevens page can find and release the rows. Labels are category names, not personal data.
UNKNOWN_RULE = {
    "thema": "onbekend_thema",
    "bron": "onbekende_bron",
    "uitkomst": "onbekende_uitkomst",
    "partners": "onbekende_partner",
}
UNMASKED_RULES = {"onbekend_thema"}
MAX_LABEL = 100  # characters of an unmapped label kept in reports and quarantine

MAX_LEN = {"id": 100, "adres": 200, "dossiernummer": 60, "huisnummer": 12, "maatregel": 100}


class ImportError_(ValueError):
    """The file as a whole cannot be imported (message in Dutch); nothing was written."""


@dataclass
class Rejection:
    """One rejected cell: row, field, rule, message and value."""

    row: int
    field: str
    rule: str
    message: str
    value: str


class Collector:
    """Collects every problem of every row, so the report lists all of them at once."""

    def __init__(self, row_numbers: np.ndarray):
        self.row_numbers = row_numbers
        self.bad = np.zeros(len(row_numbers), dtype=bool)
        self.items: list[tuple[int, str, str, str]] = []  # (position, field, rule, raw value)

    def add(self, mask: np.ndarray, fname: str, rule: str | np.ndarray, raw: pd.Series) -> None:
        """Mark the rows in ``mask`` as bad for ``fname`` under ``rule``."""
        idx = np.flatnonzero(mask)
        if not len(idx):
            return
        self.bad[idx] = True
        rules = np.broadcast_to(np.asarray(rule, dtype=object), mask.shape)
        values = raw.to_numpy(dtype=object)
        for i in idx:
            self.items.append((int(i), fname, str(rules[i]), str(values[i])))

    def rejections(self) -> list[Rejection]:
        """Return the collected rejections."""
        return [
            Rejection(
                row=int(self.row_numbers[i]),
                field=fname,
                rule=rule,
                message=RULE_TEXT.get(rule, rule),
                value=value[:MAX_LABEL] if rule in UNMASKED_RULES else parse.mask_value(value),
            )
            for i, fname, rule, value in sorted(self.items)
        ]


def cell_text(frame: pd.DataFrame, fname: str) -> pd.Series:
    """Return the column ``fname``, or empty texts when it is absent."""
    if fname in frame:
        return frame[fname]
    return pd.Series([""] * len(frame), index=frame.index, dtype=object)
