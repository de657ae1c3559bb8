"""The words on screen that more than one room uses: verdicts, method sentences, kinds.

A label or sentence written here is written once. Pages, slides and workbooks import it,
so the Vergelijken page, the meeting pack and the year report say the same thing.
"""

from __future__ import annotations

# Verdicts of the period comparison (analysis.compare), in display order.
RISE = "significant gestegen"
FALL = "significant gedaald"
NORMAL = "binnen normale variatie"
TOO_FEW = "te weinig meldingen om iets te zeggen"
VERDICTS = (RISE, FALL, NORMAL, TOO_FEW)

MIN_TESTED = 10  # fewer signals in both periods together: not tested (analysis.compare)

# The method of the period comparison, one sentence, shown under every comparison.
METHOD_SENTENCE = (
    "Exacte toets voor twee Poisson-aantallen, gecorrigeerd voor meervoudig toetsen "
    "(Benjamini-Hochberg) met een foutmarge van 5%; de lengte van de periodes telt als "
    "blootstelling. Minder dan 10 meldingen in beide periodes samen: te weinig om iets te "
    "zeggen (niet getoetst)."
)
METHOD_NOTE = f"Methode: {METHOD_SENTENCE[0].lower()}{METHOD_SENTENCE[1:]}"
TEST_NOTE = "Oordelen: exacte toets, gecorrigeerd voor meervoudig toetsen (zie Verantwoording)."

LOCATION_NOTE = (
    "Dit pakket bevat geen adressen, coördinaten of losse meldingen: alleen aantallen per wijk."
)

# The two kinds of records and their plural labels.
KINDS = {"signals": "Signalen", "interventions": "Interventies"}
LEVELS = {"wijk": "Wijken", "buurt": "Buurten"}
